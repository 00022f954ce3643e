# Tawasul's one message catalogue, in Arabic (the default language): the API's
# error messages, every notification, and the one-time code. The English
# catalogue beside it has the same ids; a test checks both have every one.

## Errors: `error-` and the stable code, dots as dashes.

error-request-malformed = تعذّر فهم الطلب: تحقق من صيغة البيانات المرسلة.
error-request-invalid_field = بعض الحقول غير صحيحة.
error-request-missing_field = هذا الحقل مطلوب.
error-request-not_an_object = يجب أن يكون محتوى الطلب كائن JSON.
error-request-unknown_field = هذا الحقل غير معروف في هذا الطلب.
error-request-too_deep = البيانات متداخلة بعمق أكبر من المسموح.
error-request-timeout = استغرق إرسال الطلب وقتاً أطول من المسموح.
error-request-unsupported_media_type = نوع المحتوى غير مدعوم.
error-request-too_large = حجم الطلب أكبر من المسموح.
error-auth-unauthenticated = يلزم تسجيل الدخول.
error-auth-token_invalid = رمز الدخول غير صالح أو منتهي الصلاحية.
error-auth-invalid_credentials = بيانات الدخول غير صحيحة.
error-auth-refresh_token_invalid = رمز التجديد غير صالح أو سبق استخدامه.
error-auth-account_disabled = هذا الحساب موقوف.
error-auth-too_many_attempts = محاولات كثيرة فاشلة، حاول لاحقاً.
error-request-rate_limited = طلبات كثيرة في وقت قصير، حاول بعد قليل.
error-auth-wrong_password = كلمة المرور الحالية غير صحيحة.
error-auth-otp_invalid = رمز التحقق غير صحيح أو منتهي الصلاحية.
error-auth-otp_channel_unavailable = لا يوجد عنوان مسجل لهذه القناة.
error-permission-denied = ليست لديك صلاحية لهذا الإجراء.
error-employee-cannot_change_self = لا يمكنك تغيير دورك أو صلاحياتك أو إداراتك أو إيقاف حسابك بنفسك.
error-employee-admin_required = إنشاء مسؤولي الجهة وتغييرهم وإيقافهم لمسؤولي الجهة وحدهم.
error-permission-cannot_grant = لا يمكنك منح صلاحية لا تملكها.
error-employee-last_admin = يجب أن يبقى للجهة مسؤول نشط واحد على الأقل.
error-resource-not_found = العنصر المطلوب غير موجود.
error-identity-invalid_id_number = رقم الهوية غير صحيح: يتكون من 10 أرقام تبدأ بـ 1 للهوية الوطنية أو 2 للإقامة، وآخرها رقم تحقق.
error-identity-invalid_passport = رقم الجواز غير صحيح: من 6 إلى 20 حرفاً لاتينياً أو رقماً.
error-identity-invalid_mobile = رقم الجوال غير صحيح: يجب أن يكون جوالاً سعودياً مثل 05XXXXXXXX.
error-identity-invalid_email = البريد الإلكتروني غير صحيح.
error-identity-invalid_name = الاسم مطلوب ويجب ألا يتجاوز 120 حرفاً.
error-request-invisible_characters = النص يحتوي على رموز تحكم غير مرئية (علامات اتجاه أو رموز بعرض صفري)؛ احذفها.
error-identity-weak_password = كلمة المرور يجب أن تكون من 8 إلى 128 حرفاً.
error-identity-common_password = كلمة المرور شائعة أو سهلة التخمين: اختر عبارة أطول من كلمات لا رابط بينها.
error-identity-password_has_personal_data = يجب ألا تحتوي كلمة المرور على رقم هويتك أو جوالك أو بريدك الإلكتروني أو اسمك.
error-request-too_many_items = عدد العناصر أكبر من المسموح.
error-request-csrf_invalid = انتهت صلاحية النموذج أو لم يصدر من هذه الصفحة. حدّث الصفحة وأعد المحاولة.
error-request-invalid_choice = القيمة ليست من الخيارات المسموحة.
error-identity-account_exists = يوجد حساب مسجل بهذه البيانات.
error-entity-invalid_unified_number = الرقم الموحد غير صحيح: 10 أرقام تبدأ بـ 7.
error-entity-exists = توجد جهة مسجلة بهذا الرقم الموحد.
error-department-unknown = الإدارة غير موجودة في هذه الجهة.
error-entity-unknown = الجهة غير موجودة.
error-transaction_type-invalid_code = رمز نوع المعاملة يتكون من 2 إلى 40 حرفاً لاتينياً صغيراً أو رقماً أو _ أو -.
error-transaction_type-exists = يوجد نوع معاملة بهذا الرمز في الجهة.
error-transaction_type-invalid_sla = مدة الإنجاز بالساعات يجب أن تكون بين 1 و 8760.
error-calendar-no_working_day = اختر يوم عمل واحداً على الأقل.
error-calendar-invalid_hours = يجب أن يكون وقت انتهاء الدوام بعد وقت بدئه.
error-transaction_type-invalid_field = تعريف الحقل غير صحيح: مفتاح فريد بحروف لاتينية صغيرة، وخيارات لحقول الاختيار فقط.
error-request-invalid_text = النص مطلوب ويجب ألا يتجاوز الحد المسموح.
error-transaction_type-unknown = نوع المعاملة غير موجود في هذه الجهة.
error-transaction-unknown_field = هذا الحقل غير معرّف في نوع المعاملة.
error-transaction-illegal_transition = لا يمكن تنفيذ هذا الإجراء في الحالة الحالية للمعاملة.
error-transaction-reference_ambiguous = لديك معاملات بهذا الرقم لدى أكثر من جهة: اختر الجهة.
error-transaction-already_rated = سبق تقييم هذه المعاملة.
error-idempotency-in_progress = طلب بنفس مفتاح عدم التكرار قيد التنفيذ.
error-idempotency-key_reused = مفتاح عدم التكرار استُخدم لطلب مختلف.
error-realtime-topic_forbidden = لا يمكنك متابعة هذا الموضوع، أو أنه غير موجود.
error-realtime-too_slow = انقطع الاتصال لأن الرسائل تتراكم أسرع مما تُستقبل؛ أعد الاتصال لاستئناف المتابعة.
error-realtime-auth_timeout = لم تصل بيانات الدخول في الوقت المحدد.
error-voice-unsupported_type = صيغة التسجيل غير مدعومة: أرسل Ogg Opus أو WebM Opus أو WAV.
error-voice-invalid = تعذّرت قراءة التسجيل الصوتي: الملف تالف أو ناقص أو ليس كما يُدّعى.
error-voice-too_long = التسجيل الصوتي أطول من خمس دقائق.
error-search-query_empty = اكتب كلمة واحدة على الأقل للبحث.
error-meeting-outside_window = لا يتاح هذا الإجراء في هذا الوقت: يبدأ تسجيل الحضور قبل الاجتماع بخمس عشرة دقيقة وينتهي بانتهائه.
error-meeting-cancelled = أُلغي هذا الاجتماع.
error-meeting-minutes_sealed = اعتُمد المحضر وخُتم، فلا يُعدَّل.
error-meeting-minutes_missing = اكتب مسودة المحضر قبل اعتماده.
error-vote-not_eligible = لا يحق لك التصويت: يصوّت المدعوون الذين سجّلوا حضورهم ولهم صلاحية التصويت.
error-vote-closed = أُغلق هذا التصويت.
error-vote-already_cast = سبق أن أدليت بصوتك في هذا التصويت.
error-service-unavailable = الخدمة غير متاحة مؤقتاً.
error-internal = حدث خطأ غير متوقع، وقد سُجّل للمراجعة.

## Notifications: `notice-` and the kind, a subject and the sentence. Built
## only from what the beneficiary is shown anyway — never from a comment.
## $reference: 1448/000123; $subject: the transaction's subject, in the
## beneficiary's words; $entity: the entity's name; $year: the Hijri year;
## $until: a Riyadh date and time; $reason: what the employee gave.

brand = تواصل
mail-open = فتح المعاملة
mail-preferences = تفضيلات الإشعارات

notice-transaction_created-subject = تم استلام معاملتك رقم { $reference }
notice-transaction_created-line = تم استلام معاملتك «{ $subject }» لدى { $entity } برقم { $reference } للعام { $year }هـ. احتفظ بهذا الرقم للمتابعة.
notice-assigned-subject = أُسندت إليك المعاملة رقم { $reference }
notice-assigned-line = أُسندت إليك المعاملة رقم { $reference }: «{ $subject }».
notice-queued_unassigned-subject = معاملة رقم { $reference } بانتظار الإسناد
notice-queued_unassigned-line = المعاملة رقم { $reference } «{ $subject }» في قائمة انتظار القسم ولا يوجد موظف متاح لإسنادها.
notice-external_reply-subject = رد جديد على المعاملة رقم { $reference }
notice-external_reply-line = يوجد رد جديد على المعاملة رقم { $reference } «{ $subject }». افتح المعاملة للاطلاع عليه.
notice-awaiting_beneficiary-subject = المعاملة رقم { $reference } بانتظار ردك
notice-awaiting_beneficiary-line = تحتاج { $entity } إلى ردك لاستكمال المعاملة رقم { $reference } «{ $subject }».
notice-postponed-subject = تأجيل المعاملة رقم { $reference }
notice-postponed-line = أُجّلت المعاملة رقم { $reference } حتى { $until } بتوقيت الرياض. السبب: { $reason }
notice-resumed-subject = استئناف المعاملة رقم { $reference }
notice-resumed-line = استُؤنف العمل على المعاملة رقم { $reference } «{ $subject }».
notice-completed-subject = إنجاز المعاملة رقم { $reference }
notice-completed-line = أنجزت { $entity } المعاملة رقم { $reference } «{ $subject }».
notice-rejected-subject = رفض المعاملة رقم { $reference }
notice-rejected-line = رُفضت المعاملة رقم { $reference } «{ $subject }». السبب: { $reason }
notice-reopened-subject = إعادة فتح المعاملة رقم { $reference }
notice-reopened-line = أُعيد فتح المعاملة رقم { $reference } «{ $subject }».
notice-please_rate-subject = قيّم خدمة المعاملة رقم { $reference }
notice-please_rate-line = نرجو تقييم الخدمة التي تلقيتها في المعاملة رقم { $reference } من { $entity }؛ رأيك يحسّن الخدمة.
notice-sla_warning-subject = المعاملة رقم { $reference } تقترب من موعدها
notice-sla_warning-line = مضى ثمانون بالمئة من الوقت المحدد للمعاملة رقم { $reference } «{ $subject }» ({ $target }).
notice-sla_breached-subject = المعاملة رقم { $reference } تجاوزت موعدها
notice-sla_breached-line = انقضى الوقت المحدد للمعاملة رقم { $reference } «{ $subject }» ({ $target }).
notice-escalated-subject = صُعِّدت المعاملة رقم { $reference }
notice-escalated-line = صُعِّدت المعاملة رقم { $reference } «{ $subject }»: { $reason }.

## The one-time code ($code), valid for $minutes minutes.

otp-subject = رمز التحقق من تواصل
otp-text = رمز التحقق الخاص بك في تواصل هو { $code }، وهو صالح لمدة { $minutes ->
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $minutes } دقائق
       *[other] { $minutes } دقيقة
    }. لا تشاركه مع أحد.

## A new staff account's sign-in details ($name, $login, $password, $url),
## sent in both languages: the account's language is not known yet.

credentials-subject = بيانات الدخول إلى تواصل
credentials-text =
    مرحباً { $name }،

    أُنشئ لك حساب في منصة تواصل.
    اسم الدخول: { $login }
    كلمة المرور المؤقتة: { $password }
    رابط الدخول: { $url }

    يُرجى تغيير كلمة المرور بعد أول دخول.

## Dates: Gregorian ($day $month $year, $time on Riyadh's clock) and Hijri.

date-gregorian = { $day } { $month } { $year }، { $time }
date-hijri = { $day } { $month } { $year }
month-gregorian-1 = يناير
month-gregorian-2 = فبراير
month-gregorian-3 = مارس
month-gregorian-4 = أبريل
month-gregorian-5 = مايو
month-gregorian-6 = يونيو
month-gregorian-7 = يوليو
month-gregorian-8 = أغسطس
month-gregorian-9 = سبتمبر
month-gregorian-10 = أكتوبر
month-gregorian-11 = نوفمبر
month-gregorian-12 = ديسمبر
month-hijri-1 = محرم
month-hijri-2 = صفر
month-hijri-3 = ربيع الأول
month-hijri-4 = ربيع الآخر
month-hijri-5 = جمادى الأولى
month-hijri-6 = جمادى الآخرة
month-hijri-7 = رجب
month-hijri-8 = شعبان
month-hijri-9 = رمضان
month-hijri-10 = شوال
month-hijri-11 = ذو القعدة
month-hijri-12 = ذو الحجة

## Statuses and priorities, as lists and pages name them.

status-new = جديدة
status-assigned = مُسندة
status-in_progress = قيد الإجراء
status-awaiting_beneficiary = بانتظار المستفيد
status-postponed = مؤجلة
status-completed = منجزة
status-rejected = مرفوضة
status-reopened = معاد فتحها
priority-normal = عادية
priority-important = مهمة
priority-urgent = عاجلة

## The web pages.

ui-skip = تخطَّ إلى المحتوى الرئيسي
ui-lang-switch = English
ui-nav-label = القائمة الرئيسية
ui-nav-transactions = معاملاتي
ui-nav-inbox = صندوق المعاملات
ui-nav-new = إضافة طلب
ui-signed-in-as = مسجّل الدخول باسم
ui-sign-out = تسجيل الخروج
ui-error-summary = يوجد خطأ
ui-error-page = تعذّر عرض الصفحة
ui-sign-in-title = تسجيل الدخول
ui-sign-in-intro = ادخل برقم الهوية الوطنية أو الإقامة أو الجواز، أو بالبريد الإلكتروني، أو برقم الجوال.
ui-sign-in-login = رقم الهوية أو البريد الإلكتروني أو الجوال
ui-sign-in-password = كلمة المرور
ui-sign-in-submit = دخول
ui-transactions-title = معاملاتي
ui-inbox-title = صندوق المعاملات
ui-none-yet = لا توجد معاملات بعد.
ui-col-reference = رقم المعاملة
ui-col-subject = الموضوع
ui-col-assignee = الموظف
ui-col-type = النوع
ui-col-date = التاريخ
ui-col-status = الحالة
ui-col-priority = الأولوية
ui-late = متأخرة
ui-unassigned = لم تُسند بعد
ui-filter-status = الحالة
ui-filter-any = الكل
ui-filter-mine = المُسندة إليّ فقط
ui-filter-late = المتأخرة فقط
ui-filter-apply = تصفية
ui-next-page = الصفحة التالية
ui-timeline = سجل المعاملة
ui-details = تفاصيل الطلب
ui-beneficiary = المستفيد
ui-due = موعد الإنجاز المتوقع
ui-reply-title = إضافة رد
ui-comment-body = نص الرد
ui-visibility = لمن هذا التعليق؟
ui-visibility-external = رد للمستفيد — يراه المستفيد
ui-visibility-internal = تعليق داخلي — لا يراه المستفيد
ui-badge-internal = داخلي
ui-badge-external = للمستفيد
ui-send = إرسال
ui-closed-no-reply = أُغلقت المعاملة، فلا تُضاف إليها ردود.
ui-live-connected = تُحدَّث هذه الصفحة مباشرة.
ui-platform = المنصة
event-created = قُدِّم الطلب
event-assigned = أُسندت المعاملة إلى { $name }
event-assigned-nobody = أُلغي الإسناد
event-status_changed = تغيّرت الحالة إلى «{ $status }»
event-attachment = أُرفق مستند: { $name } ({ $size })
event-voice = رسالة صوتية ({ $duration })
event-rated = قُيّمت الخدمة بـ { $stars } من 5
event-sla_warning = مضى ثمانون بالمئة من الوقت المحدد ({ $target }، { $hours } ساعة عمل)
event-sla_breached = انقضى الوقت المحدد ({ $target }، { $hours } ساعة عمل)
event-escalated = صُعِّدت المعاملة: { $why }
sla-target-first_response = أول رد
sla-target-resolution = الإنجاز
escalation-why-no_action = لم يتخذ الموظف المسند إليه إجراءً في الوقت المحدد
escalation-why-on_leave = الموظف المسند إليه في إجازة
escalation-why-deactivated = عُطِّل حساب الموظف المسند إليه
escalation-level-2 = وأُحيلت إلى مشرفي القسم
ui-new-title = إضافة طلب
ui-new-step-entity = اختر الجهة
ui-new-step-type = اختر نوع المعاملة
ui-new-step-details = تفاصيل الطلب
ui-choose-entity = الجهة
ui-choose-type = نوع المعاملة
ui-next = التالي
ui-back = رجوع
ui-subject = الموضوع
ui-body = نص الطلب
ui-priority = الأولوية
ui-created-title = تم استلام طلبك
ui-created-reference = رقم طلبك
ui-created-next = أُسند طلبك إلى الجهة المختصة، وستصلك رسالة عند كل إجراء عليه. يمكنك متابعته من «معاملاتي».
ui-created-open = عرض الطلب
ui-register-link = ليس لديك حساب؟ سجّل الآن
ui-register-title = إنشاء حساب مستفيد
ui-register-intro = يستغرق التسجيل أقل من دقيقة. ستحتاج إلى رقم هويتك ورقم جوالك وبريدك الإلكتروني.
ui-register-name-ar = الاسم بالعربية
ui-register-name-en = الاسم بالإنجليزية
ui-register-id-type = نوع الهوية
ui-register-id-number = رقم الهوية
ui-register-mobile = رقم الجوال
ui-register-email = البريد الإلكتروني
ui-register-residence = مكان الإقامة
ui-register-language = لغة الرسائل
ui-register-password-hint = ثمانية أحرف على الأقل، ولا تحتوي على رقم هويتك أو جوالك أو بريدك أو اسمك.
ui-register-submit = إنشاء الحساب
ui-register-have-account = لديك حساب؟ سجّل الدخول
id-type-national_id = الهوية الوطنية
id-type-iqama = الإقامة
id-type-passport = جواز السفر
residence-inside = داخل المملكة
residence-outside = خارج المملكة
ui-steps-title = إجراءات على المعاملة
ui-step-complete = إنجاز المعاملة
ui-step-await = طلب معلومات من المستفيد
ui-step-postpone = تأجيل المعاملة
ui-step-reject = رفض المعاملة
ui-step-until = مؤجلة حتى
ui-step-message = ما المطلوب من المستفيد؟
ui-step-note = ملاحظة ختامية للمستفيد (اختيارية)
ui-step-reason = السبب (يراه المستفيد)
ui-step-assign = إسناد المعاملة
ui-step-employee = الموظف
ui-step-choose = اختر…
ui-step-reopen = إعادة فتح المعاملة
ui-step-rate = تقييم الخدمة
ui-step-stars = كم نجمة تعطي الخدمة؟
ui-step-rate-comment = كلمة عن الخدمة (اختيارية)
ui-attach-title = إرفاق مستند
ui-attach-file = المستند
ui-attach-submit = إرفاق
ui-voice-record = تسجيل رسالة صوتية
ui-voice-stop = إيقاف وإرسال
ui-voice-sending = جارٍ إرسال التسجيل…
ui-voice-failed = تعذّر إرسال التسجيل، حاول مرة أخرى.
ui-voice-denied = لم يُسمح باستخدام الميكروفون.
ui-voice-player = تشغيل الرسالة الصوتية
ui-download = تنزيل
ui-size-b = { $n } بايت
ui-size-kb = { $n } ك.ب
ui-size-mb = { $n } م.ب
ui-nav-notices = الإشعارات
ui-nav-preferences = إعدادات الإشعارات
ui-notices-title = الإشعارات
ui-notices-empty = لا توجد إشعارات بعد.
ui-notices-mark-all = تعليم الكل كمقروء
ui-notice-unread = جديد
ui-open-transaction = فتح المعاملة
ui-preferences-title = إعدادات الإشعارات
ui-channels = القنوات المفعّلة
ui-channel-email = البريد الإلكتروني
ui-channel-sms = الرسائل النصية
ui-channel-in_app = داخل المنصة
ui-preferences-events = ما يصلني وبأي قناة
ui-preferences-kind = الإشعار
ui-preferences-receipt-sms = تصلك دائماً رسالة نصية برقم المعاملة عند تقديمها.
ui-save = حفظ
ui-saved = حُفظت إعداداتك.
ui-kind-transaction_created = استلام معاملة جديدة
ui-kind-assigned = إسناد معاملة إليّ
ui-kind-queued_unassigned = معاملة بانتظار الإسناد في القسم
ui-kind-external_reply = رد جديد
ui-kind-awaiting_beneficiary = طلب معلومات مني
ui-kind-postponed = تأجيل المعاملة
ui-kind-resumed = استئناف المعاملة
ui-kind-completed = إنجاز المعاملة
ui-kind-rejected = رفض المعاملة
ui-kind-reopened = إعادة فتح المعاملة
ui-kind-please_rate = دعوة لتقييم الخدمة
ui-kind-sla_warning = معاملة تقترب من موعدها
ui-kind-sla_breached = معاملة تجاوزت موعدها
ui-kind-escalated = تصعيد معاملة
ui-nav-lookup = البحث برقم المعاملة
ui-guest-title = دعوة إلى اجتماع
ui-guest-greeting = أهلاً بك،
ui-guest-cancelled = أُلغي هذا الاجتماع.
ui-guest-when = الموعد (بتوقيت الرياض)
ui-guest-where = المكان
ui-guest-organiser = الجهة الداعية
ui-guest-agenda = جدول الأعمال
ui-guest-reply = ردك على الدعوة
ui-guest-accept = سأحضر
ui-guest-tentative = ربما
ui-guest-decline = أعتذر عن الحضور
ui-guest-check-in = سجّل حضوري الآن
ui-guest-present = سجّلت حضورك في
ui-meeting-title = غرفة الاجتماع
ui-meeting-minutes-unit = دقيقة
ui-meeting-attendance = الحضور
ui-meeting-invitee = المدعو
ui-meeting-rsvp = الرد
ui-meeting-checked-in = سجّل حضوره
ui-meeting-guest = ضيف
ui-meeting-rsvp-accepted = سيحضر
ui-meeting-rsvp-tentative = ربما
ui-meeting-rsvp-declined = اعتذر
ui-meeting-rsvp-none = لم يرد بعد
ui-meeting-notes = الملاحظات والآراء
ui-meeting-note = ملاحظتك
ui-meeting-note-item = بشأن
ui-meeting-note-general = الاجتماع عامة
ui-meeting-note-submit = شارك الملاحظة
ui-meeting-votes = التصويت
ui-vote-ballot-open = تصويت علني
ui-vote-ballot-secret = تصويت سري
ui-vote-quorum = النصاب
ui-vote-turnout = الأصوات المدلى بها:
ui-vote-choose = اختيارك
ui-vote-cast = أدلِ بصوتي
ui-vote-close = أغلق التصويت
ui-vote-option = الخيار
ui-vote-count = الأصوات
ui-vote-outcome-decided = تقرر
ui-vote-outcome-tied = تعادل
ui-vote-outcome-no_quorum = لم يكتمل النصاب
ui-vote-outcome-no_ballots = لم يُدلَ بأي صوت
ui-vote-quorum-met = النصاب مكتمل
ui-vote-quorum-missed = النصاب غير مكتمل
ui-vote-new = اطرح تصويتاً
ui-vote-question = السؤال
ui-vote-options = الخيارات
ui-vote-options-hint = خيار في كل سطر، خياران على الأقل.
ui-vote-ballot = نوع التصويت
ui-vote-open = اطرح التصويت
ui-meeting-minutes = المحضر
ui-meeting-minutes-sealed = اعتُمد وخُتم. بصمته SHA-256:
ui-meeting-minutes-draft = مسودة المحضر
ui-meeting-minutes-save = احفظ المسودة
ui-meeting-minutes-approve = اعتمد المحضر واختمه
ui-meeting-decisions = القرارات
ui-meeting-decision = قرار
ui-meeting-decision-submit = سجّل القرار
ui-nav-calendar = المفكرة
ui-calendar-title = مفكرتي
ui-calendar-nav = التنقل في المفكرة
ui-calendar-previous = السابق
ui-calendar-next = التالي
ui-calendar-today = اليوم
ui-calendar-month = عرض الشهر
ui-calendar-week = عرض الأسبوع
ui-calendar-kind-meeting = اجتماع
ui-calendar-kind-due = موعد إنجاز معاملة
ui-calendar-kind-reminder = تذكير
ui-calendar-reminder-title = أضف تذكيراً
ui-calendar-reminder-day = اليوم
ui-calendar-reminder-time = الوقت (بتوقيت الرياض)
ui-calendar-reminder-text = ذكّرني بـ
ui-calendar-reminder-submit = أضف التذكير
ui-weekday-0 = الأحد
ui-weekday-1 = الاثنين
ui-weekday-2 = الثلاثاء
ui-weekday-3 = الأربعاء
ui-weekday-4 = الخميس
ui-weekday-5 = الجمعة
ui-weekday-6 = السبت
ui-meeting-new-title = جدولة اجتماع
ui-meeting-new-subject = موضوع الاجتماع
ui-meeting-new-agenda-hint = بند في كل سطر.
ui-meeting-new-duration = المدة بالدقائق
ui-meeting-new-mode = طريقة الانعقاد
ui-meeting-new-location = المكان أو رابط الانضمام
ui-meeting-new-invitees = الموظفون المدعوون
ui-meeting-new-guest = ضيف من خارج الجهة
ui-meeting-new-guest-hint = الاسم مع البريد الإلكتروني أو رقم الجوال: تحمل الدعوة رابطاً للرد وتسجيل الحضور دون حساب.
ui-meeting-new-guest-name = اسم الضيف
ui-meeting-new-guest-email = بريد الضيف الإلكتروني
ui-meeting-new-guest-mobile = جوال الضيف
ui-meeting-new-submit = جدول الاجتماع وأرسل الدعوات
ui-meeting-cancel = إلغاء الاجتماع
ui-meeting-cancel-hint = يُبلَّغ كل المدعوين، ويُحذف من تقاويمهم.
ui-meeting-cancel-confirm = ألغِه وأبلغ المدعوين
ui-decisions-title = سجل القرارات
ui-decisions-none = لم يُسجَّل أي قرار بعد.
ui-decisions-date = التاريخ
ui-decisions-meeting = الاجتماع
ui-decisions-vote = التصويت
ui-lookup-title = البحث برقم المعاملة
ui-lookup-reference = رقم المعاملة
ui-lookup-hint = كما ورد في رسالة الاستلام، مثل ⁦1448-000123⁩، أو الرقم وحده مع العام.
ui-lookup-year = العام الهجري (اختياري)
ui-lookup-submit = بحث
ui-lookup-choose = هذا الرقم لدى أكثر من جهة، اختر الجهة:
ui-account-title = حسابي
ui-account-record = سجلي خلال السنة الماضية
ui-account-present = الوقت على المنصة
ui-contact-email = البريد الإلكتروني
ui-contact-sms = رقم الجوال
ui-verified = موثّق
ui-unverified = غير موثّق
ui-code-send = أرسل رمز التحقق
ui-code-again = أرسل رمزاً جديداً
ui-code-sent-email = أرسلنا رمزاً من ستة أرقام إلى بريدك الإلكتروني، صالحاً لعشر دقائق.
ui-code-sent-sms = أرسلنا رمزاً من ستة أرقام إلى جوالك في رسالة نصية، صالحاً لعشر دقائق.
ui-code = رمز التحقق
ui-code-verify = تحقق
ui-verified-now-email = وُثّق بريدك الإلكتروني.
ui-verified-now-sms = وُثّق رقم جوالك.
ui-nav-directory = دليل الجهات
ui-directory-title = دليل الجهات
ui-directory-lead = الجهات التي تستقبل طلباتك على تواصل، وأنواع الطلبات لدى كل منها.
ui-directory-none = لا توجد جهات بعد.
ui-directory-no-types = لا تستقبل هذه الجهة طلبات بعد.
ui-entity-kind-government = جهة حكومية
ui-entity-kind-private = شركة
ui-entity-kind-nonprofit = جهة غير ربحية
ui-nav-search = البحث في الأرشيف
ui-search-title = البحث في الأرشيف
ui-search-words = كلمات البحث
ui-search-hint = تُطابَق الكلمات بصرف النظر عن التشكيل وصور الهمزة والتاء المربوطة وأدوات التعريف والضمائر المتصلة.
ui-search-filters = تضييق البحث
ui-search-kind = نوع الوثيقة
ui-search-entity = الجهة
ui-search-type = نوع المعاملة
ui-search-from = من تاريخ
ui-search-to = إلى تاريخ
ui-search-submit = ابحث
ui-search-none = لم نجد ما يطابق هذه الكلمات. جرّب كلمات أقل أو أزل بعض القيود.
ui-search-total = { $n ->
        [zero] لا توجد نتائج
        [one] نتيجة واحدة
        [two] نتيجتان
        [few] { $n } نتائج
       *[other] { $n } نتيجة
    }
ui-archive-kind-transaction = معاملة
ui-archive-kind-comment = تعليق
ui-archive-kind-voice = تعليق صوتي
ui-archive-kind-document = مستند
ui-archive-kind-minutes = محضر اجتماع
ui-nav-audit = سجل التدقيق
ui-audit-title = سجل التدقيق
ui-nav-overview = لوحة الجهة
ui-nav-dashboard = لوحة المؤشرات
ui-nav-console = منصة الرقابة
ui-dashboard-title = لوحة المؤشرات
ui-dashboard-department = القسم
ui-dashboard-all-departments = كل الأقسام
ui-dashboard-completion-rate = نسبة الإنجاز
ui-dashboard-delay-rate = نسبة التأخير
ui-dashboard-on-time-rate = نسبة الإنجاز في الموعد
ui-dashboard-median-first-response = وسيط زمن أول رد
ui-dashboard-median-resolution = وسيط زمن الإنجاز
ui-dashboard-rating = متوسط التقييم
ui-dashboard-score = مؤشر سرعة الإنجاز
ui-dashboard-present = الوقت على المنصة
ui-dashboard-present-all = وقت الموظفين المعروضين على المنصة
ui-dashboard-hours = { $n } ساعة
ui-dashboard-by-week = المعاملات حسب أسبوع تقديمها
ui-dashboard-by-hijri-month = المعاملات حسب الشهر الهجري لتقديمها
ui-dashboard-open-on-time = قيد العمل في الموعد
ui-dashboard-as-table = عرض البيانات في جدول
ui-dashboard-period = الفترة
ui-dashboard-employees = الموظفون
ui-dashboard-definitions = الأزمنة بساعات العمل في تقويم الجهة مع استبعاد فترات التوقف؛ يُحسب مؤشر السرعة من زمن إنجاز كل معاملة مقارنةً بالوقت المحدد لنوعها.
ui-dashboard-rows-title = المعاملات وراء المؤشر
ui-dashboard-back = العودة إلى لوحة المؤشرات
ui-dashboard-opened = تاريخ التقديم
ui-dashboard-closed = تاريخ الإغلاق
ui-dashboard-more = { $n } معاملة أخرى غير معروضة؛ ضيّق الفترة أو المرشحات.
ui-console-title = منصة الرقابة
ui-console-index = مؤشر الأداء
ui-console-index-chart = مؤشر الأداء لكل جهة (المحقق إلى المستهدف)
ui-console-entities = الجهات جنباً إلى جنب
ui-console-definitions = مؤشر الجهة متوسط نسب تحقيقها لمستهدفاتها، ومؤشر الحكومة متوسط مؤشرات الجهات.
ui-overview-title = لوحة الجهة
ui-overview-lead = عدد معاملات الجهة في كل حالة، والمتأخر منها، حسب الإدارة ونوع المعاملة والموظف، كما هي الآن.
ui-overview-choose = اختر جهة
ui-overview-show = عرض
ui-overview-open = مفتوحة
ui-overview-late = متأخرة
ui-overview-completed = منجزة
ui-overview-rejected = مرفوضة
ui-overview-postponed = مؤجلة
ui-overview-total = الإجمالي
ui-overview-count = العدد
ui-overview-name = الاسم
ui-overview-by-status = المعاملات حسب الحالة
ui-overview-by-department = حسب الإدارة
ui-overview-by-type = حسب نوع المعاملة
ui-overview-by-employee = حسب الموظف
ui-overview-none = لا توجد معاملات بعد.
ui-audit-lead = كل إجراء على المنصة مسجّل هنا بمن قام به ومتى ومن أين، وكل قيد مربوط بما قبله ببصمة تكشف أي تعديل أو حذف.
ui-audit-action = الإجراء
ui-audit-seq = التسلسل
ui-audit-who = المنفّذ
ui-audit-target = على
ui-audit-address = العنوان
ui-audit-platform = المنصة
ui-audit-details = التفاصيل
ui-audit-before = قبل:
ui-audit-after = بعد:
ui-audit-none = لا توجد قيود تطابق هذه القيود.
ui-audit-verify = تحقّق من سلامة السجل
ui-audit-intact = السجل سليم: لم يُعدَّل أي قيد ولم يُحذف.
ui-audit-broken = السجل غير سليم: عُدِّل قيد أو حُذف أو غُيِّر ترتيبه.
ui-audit-first-bad = أول قيد لا يطابق:
ui-audit-entries = عدد القيود:
ui-audit-head = بصمة آخر قيد:
ui-audit-auth-register = تسجيل مستفيد
ui-audit-auth-login = دخول
ui-audit-auth-login_failed = محاولة دخول فاشلة
ui-audit-auth-logout = خروج
ui-audit-auth-refresh = تجديد الجلسة
ui-audit-auth-refresh_token_reused = إعادة استخدام رمز تجديد
ui-audit-auth-rate_limited = تجاوز حد المحاولات
ui-audit-auth-otp_send = إرسال رمز تحقق
ui-audit-auth-otp_verify = تحقق برمز
ui-audit-auth-password_change = تغيير كلمة المرور
ui-audit-auth-password_change_failed = محاولة فاشلة لتغيير كلمة المرور
ui-audit-entity-create = تسجيل جهة
ui-audit-department-create = إنشاء قسم
ui-audit-calendar-update = تعديل تقويم العمل
ui-audit-stats-export = تصدير إحصاءات
ui-audit-employee-create = إضافة موظف
ui-audit-employee-update = تعديل موظف
ui-audit-transaction_type-create = إنشاء نوع معاملة
ui-audit-regulator-create = إضافة جهة رقابية
ui-audit-transaction-create = تقديم معاملة
ui-audit-transaction-step = إجراء على معاملة
ui-audit-transaction-comment = تعليق على معاملة
ui-audit-transaction-attachment = إرفاق مستند
ui-audit-transaction-voice = تعليق صوتي
ui-audit-transaction-rate = تقييم الخدمة
ui-audit-targets-update = تحديث مستهدفات المؤشرات
ui-audit-transaction-sla_warning = تنبيه اقتراب الموعد
ui-audit-transaction-sla_breached = تجاوز الموعد
ui-audit-transaction-escalate = تصعيد معاملة
ui-audit-platform_admin-create_or_reset = إنشاء مدير المنصة أو إعادة تعيينه
ui-audit-master_key-rotate = تدوير المفتاح الرئيسي
ui-audit-notification-given_up = إشعار تعذّر إيصاله
ui-audit-notification-resend = إعادة إرسال إشعار
ui-audit-notification-preferences_change = تغيير إعدادات الإشعارات
ui-audit-notification-read = قراءة الإشعارات
ui-audit-meeting-create = جدولة اجتماع
ui-audit-meeting-change = تعديل اجتماع
ui-audit-meeting-cancel = إلغاء اجتماع
ui-audit-meeting-rsvp = الرد على دعوة اجتماع
ui-audit-meeting-check_in = تسجيل حضور اجتماع
ui-audit-meeting-note = ملاحظة في اجتماع
ui-audit-meeting-minutes_draft = كتابة مسودة المحضر
ui-audit-meeting-minutes_approve = اعتماد المحضر وختمه
ui-audit-meeting-decision = تسجيل قرار
ui-audit-vote-create = طرح تصويت
ui-audit-vote-ballot = الإدلاء بصوت
ui-audit-vote-close = إغلاق تصويت
ui-audit-reminder-create = إضافة تذكير
ui-audit-calendar_feed-issue = إصدار رابط التقويم الخاص
ui-nav-admin = إدارة الجهة
ui-admin-label = أقسام إدارة الجهة
ui-admin-departments = الأقسام
ui-admin-employees = الموظفون
ui-admin-employee = موظف
ui-admin-types = أنواع المعاملات
ui-admin-add = إضافة
ui-admin-save = حفظ التغييرات
ui-admin-saved = حُفظت التغييرات.
ui-admin-name = الاسم
ui-admin-name-ar = الاسم بالعربية
ui-admin-name-en = الاسم بالإنجليزية
ui-admin-national-id = رقم الهوية الوطنية
ui-admin-no-departments = لا توجد أقسام بعد. أضف القسم الأول أدناه.
ui-admin-add-department = إضافة قسم
ui-admin-parent = يتبع
ui-admin-top-level = لا يتبع قسماً (في أعلى الهيكل)
ui-admin-no-employees = لا يوجد موظفون بعد.
ui-admin-role = الدور
ui-admin-in-departments = الأقسام
ui-admin-standing = الحالة
ui-admin-active = على رأس العمل
ui-admin-inactive = موقوف
ui-admin-on-leave-until = في إجازة حتى
ui-admin-add-employee = إضافة موظف
ui-admin-add-employee-hint = تُرسَل بيانات الدخول وكلمة مرور مؤقتة إلى بريد الموظف الإلكتروني.
ui-admin-employee-added = أُضيف الموظف وأُرسلت إليه بيانات الدخول:
ui-admin-permissions = الصلاحيات
ui-admin-permissions-hint = تبدأ بصلاحيات الدور، ويمكنك منح صلاحية إضافية أو سحب إحداها. عند تغيير الدور تُعتمد صلاحيات الدور الجديد كما هي.
ui-admin-leave = في إجازة حتى (اختياري)
ui-admin-active-check = الحساب مفعّل (إلغاء التحديد يوقفه ويخرجه من كل الأجهزة فوراً)
ui-admin-no-types = لا توجد أنواع معاملات بعد.
ui-admin-add-type = إضافة نوع معاملة
ui-admin-type-needs-department = يُسنَد كل نوع معاملة إلى قسم؛ أضف قسماً أولاً:
ui-admin-code = الرمز (أحرف لاتينية صغيرة وأرقام)
ui-admin-department = القسم
ui-admin-sla = مدة الإنجاز المستهدفة (بساعات العمل)
ui-admin-first-response = هدف أول رد بساعات العمل (اختياري)
ui-admin-escalate-after = التصعيد بعد ساعات عمل دون إجراء (اختياري)
ui-admin-routing = طريقة الإسناد
ui-admin-fields = حقول إضافية يملؤها المستفيد
ui-admin-fields-hint = اترك الصفوف الزائدة فارغة. لحقل الاختيار، اكتب الخيارات مفصولة بفواصل.
ui-admin-another-field = إضافة حقل آخر
ui-admin-field = الحقل
ui-admin-field-key = المفتاح (أحرف لاتينية صغيرة)
ui-admin-field-kind = نوع الحقل
ui-admin-field-choices = الخيارات (لحقل الاختيار)
ui-admin-field-required = حقل إلزامي
ui-role-employee = موظف
ui-role-supervisor = مشرف
ui-role-admin = مدير الجهة
ui-routing-least_loaded = إلى الأقل عبئاً
ui-routing-round_robin = بالتناوب
ui-field-kind-text = نص
ui-field-kind-number = رقم
ui-field-kind-date = تاريخ
ui-field-kind-choice = اختيار من قائمة
ui-field-kind-file = ملف
ui-permission-transaction-view_own = عرض المعاملات المسندة إليه
ui-permission-transaction-view_department = عرض معاملات أقسامه
ui-permission-transaction-view_entity = عرض كل معاملات الجهة
ui-permission-transaction-assign = إسناد المعاملات
ui-permission-transaction-postpone = تأجيل المعاملات
ui-permission-transaction-complete = إنجاز المعاملات
ui-permission-transaction-reject = رفض المعاملات
ui-permission-comment-external = الرد على المستفيد
ui-permission-comment-internal = التعليقات الداخلية
ui-permission-comment-voice = التعليقات الصوتية
ui-permission-meeting-create = إنشاء الاجتماعات
ui-permission-meeting-vote = التصويت في الاجتماعات
ui-permission-finance-enter = إدخال البيانات المالية
ui-permission-finance-review = مراجعة البيانات المالية
ui-permission-finance-approve = اعتماد البيانات المالية
ui-permission-employee-manage = إدارة الموظفين
ui-permission-department-manage = إدارة الأقسام
ui-permission-stats-view = عرض الإحصاءات
ui-permission-audit-view = الاطلاع على سجل التدقيق
ui-password-forgot-link = نسيت كلمة المرور؟
ui-password-title = استعادة كلمة المرور
ui-password-intro = اكتب رقم هويتك أو بريدك الإلكتروني أو جوالك، واختر أين نرسل رمز التحقق.
ui-password-channel = أرسل الرمز إلى
ui-password-sent-email = إن كان هذا الحساب مسجّلاً لدينا فقد أرسلنا رمزاً من ستة أرقام إلى بريده الإلكتروني، صالحاً لعشر دقائق.
ui-password-sent-sms = إن كان هذا الحساب مسجّلاً لدينا فقد أرسلنا رمزاً من ستة أرقام إلى جواله، صالحاً لعشر دقائق.
ui-password-new = كلمة المرور الجديدة
ui-password-submit = احفظ كلمة المرور الجديدة
ui-password-done = غُيّرت كلمة المرور، وخرجت من كل الأجهزة. سجّل الدخول بكلمة المرور الجديدة.
ui-audit-auth-password_reset = استعادة كلمة المرور
ui-audit-auth-password_reset_failed = محاولة فاشلة لاستعادة كلمة المرور
ui-useful-question = هل كانت هذه الصفحة مفيدة؟
ui-useful-yes = نعم
ui-useful-no = لا
ui-useful-thanks = شكراً لك
ui-useful-thanks-text = وصلنا رأيك، وسنستفيد منه في تحسين تواصل.
ui-useful-back = العودة إلى الصفحة
ui-print-link = ملخص للطباعة
ui-print-title = ملخص الطلب
ui-print-back = العودة إلى المعاملة
ui-print-now = اطبع
ui-print-hint = أو اطبع الصفحة من المتصفح.
ui-print-replies = المراسلات مع المستفيد
ui-print-no-replies = لا توجد مراسلات بعد.
ui-print-at = طُبع في
ui-unread = غير مقروءة
ui-nav-platform = إدارة المنصة
ui-platform-label = أقسام إدارة المنصة
ui-platform-entities = الجهات
ui-platform-regulators = الجهات الرقابية
ui-platform-add-regulator = إضافة جهة رقابية
ui-platform-feedback = آراء الزوار في الصفحات
ui-platform-created = أُنشئ وأُرسلت بيانات الدخول إلى بريده الإلكتروني:
ui-platform-kind = نوع الجهة
ui-platform-add-entity = تسجيل جهة
ui-platform-unified-number = الرقم الموحد للمنشأة
ui-platform-first-admin = مسؤول الجهة الأول
ui-platform-regulators-lead = حساب رقابي يطّلع على معاملات الجهات التي في نطاقه وسجل تدقيقها، ولا يعدّل شيئاً.
ui-platform-remit = نطاق الرقابة
ui-platform-remit-all = كل الجهات
ui-platform-remit-list = الجهات المحددة أدناه
ui-platform-no-feedback = لم يُجب أحد بعد عن سؤال «هل كانت هذه الصفحة مفيدة؟».
ui-platform-page = الصفحة
ui-voice-file = أو أرفق تسجيلاً صوتياً من جهازك
ui-voice-file-label = ملف التسجيل
ui-voice-file-hint = بصيغة Ogg أو WebM أو WAV، حتى خمس دقائق.
ui-voice-file-submit = أرسل التسجيل
ui-check-title = راجع طلبك قبل إرساله
ui-check-lead = تأكد من أن هذه البيانات صحيحة.
ui-check-change = تعديل البيانات
ui-check-send-title = إرسال الطلب
ui-check-send-lead = بإرسال الطلب تصل بياناته إلى الجهة، وتصلك رسالة برقم المعاملة.
ui-check-send = أرسل الطلب
ui-check-continue = متابعة
ui-optional = اختياري
ui-check-documents = مستندات أخرى
ui-check-documents-any = المستندات
ui-check-documents-hint = يمكنك اختيار عدة ملفات معاً، حتى { $count } ملفات، لا يزيد حجم كل منها عن { $size }.
ui-created-documents = المستندات المرفقة بطلبك:
ui-new-documents-later = ترفق المستندات في الخطوة الأخيرة، قبل إرسال الطلب.
ui-draft-save = احفظ مسودة وأكمل لاحقاً
ui-draft-saved = حُفظت المسودة. يمكنك إكمالها من أي جهاز.
ui-drafts-title = مسوداتي
ui-drafts-lead = طلبات بدأتها ولم ترسلها بعد.
ui-drafts-none = لا توجد مسودات.
ui-draft-untitled = طلب بلا موضوع
ui-draft-updated = آخر حفظ
ui-draft-resume = أكمل الطلب
ui-draft-delete = احذف المسودة
ui-nav-drafts = مسوداتي

## الاجتماعات: الدعوة (بريد إلكتروني معه موعد التقويم، ورسالة نصية) والتذكير قبل البدء.

meeting-mode-remote = عن بُعد
meeting-mode-in_person = حضوري
meeting-mode-hybrid = حضوري وعن بُعد
meeting-invitation-subject = دعوة: { $title }
meeting-invitation-text =
    مرحباً { $name }،

    يدعوك { $organiser } إلى اجتماع «{ $title }».

    الموعد: { $gregorian } ({ $hijri } هـ) بتوقيت الرياض، ومدته { $duration } دقيقة
    المكان: { $place }

    جدول الأعمال:
    { $agenda }

    للرد على الدعوة وتسجيل الحضور عند بدء الاجتماع: { $link }
meeting-invitation-sms = يدعوك { $organiser } إلى «{ $title }» في { $gregorian } بتوقيت الرياض. للرد: { $link }
meeting-changed-subject = تعديل: { $title }
meeting-changed-text =
    مرحباً { $name }،

    عُدّل اجتماع «{ $title }»، وأصبح:

    الموعد: { $gregorian } ({ $hijri } هـ) بتوقيت الرياض، ومدته { $duration } دقيقة
    المكان: { $place }

    جدول الأعمال:
    { $agenda }

    { $link }
meeting-changed-sms = عُدّل «{ $title }»: أصبح في { $gregorian } بتوقيت الرياض، { $place }.
meeting-cancelled-subject = إلغاء: { $title }
meeting-cancelled-text =
    مرحباً { $name }،

    ألغى { $organiser } اجتماع «{ $title }» المقرر في { $gregorian } بتوقيت الرياض.
meeting-cancelled-sms = ألغى { $organiser } «{ $title }» المقرر في { $gregorian } بتوقيت الرياض.
meeting-reminder-subject = تذكير: يبدأ «{ $title }» الساعة { $time }
meeting-reminder-text =
    مرحباً { $name }،

    نذكّرك بأن اجتماع «{ $title }» يبدأ الساعة { $time } بتوقيت الرياض ({ $gregorian }).
    المكان: { $place }

    سجّل حضورك عند بدئه: { $link }
meeting-guest-own-link = الرابط الوارد في دعوتك
meeting-reminder-sms = تذكير: يبدأ «{ $title }» الساعة { $time } بتوقيت الرياض. { $link }

## تذكير الشخص الذي أضافه بنفسه، حين يحين وقته.

reminder-subject = تذكير: { $text }
reminder-text =
    مرحباً { $name }،

    طلبت التذكير في { $gregorian } بتوقيت الرياض:
    { $text }

    تواصل: { $link }
reminder-sms = تذكير: { $text } — { $link }

## رابط المفكرة الخاص بالموظف.

calendar-feed-name = مفكرة تواصل
calendar-due = موعد إنجاز المعاملة { $reference }: { $subject }
