# Tawasul's one message catalogue, in English: the same ids as ar.ftl.

## Errors: `error-` and the stable code, dots as dashes.

error-request-malformed = The request could not be understood: check the format of the data sent.
error-request-invalid_field = Some fields are not valid.
error-request-missing_field = This field is required.
error-request-not_an_object = The request body must be a JSON object.
error-request-unknown_field = This field is not part of this request.
error-request-too_deep = The data is nested more deeply than allowed.
error-request-timeout = The request took too long to arrive.
error-request-unsupported_media_type = This content type is not supported.
error-request-too_large = The request is larger than allowed.
error-auth-unauthenticated = You need to sign in.
error-auth-token_invalid = The access token is invalid or has expired.
error-auth-invalid_credentials = The sign-in details are not correct.
error-auth-refresh_token_invalid = The refresh token is invalid or has already been used.
error-auth-account_disabled = This account is disabled.
error-auth-too_many_attempts = Too many failed attempts; try again later.
error-request-rate_limited = Too many requests in a short time; try again in a while.
error-auth-wrong_password = The current password is not correct.
error-auth-otp_invalid = The verification code is wrong or has expired.
error-auth-otp_channel_unavailable = There is no address on record for this channel.
error-permission-denied = You are not allowed to do this.
error-employee-cannot_change_self = You cannot change your own role, permissions, departments or active status.
error-employee-admin_required = Only an entity admin may create, change or deactivate an entity admin.
error-permission-cannot_grant = You can give only permissions you hold yourself.
error-employee-last_admin = The entity must keep at least one active admin.
error-resource-not_found = The requested item was not found.
error-identity-invalid_id_number = The ID number is not valid: 10 digits starting with 1 (national ID) or 2 (iqama), ending in a check digit.
error-identity-invalid_passport = The passport number is not valid: 6 to 20 Latin letters or digits.
error-identity-invalid_mobile = The mobile number is not valid: it must be a Saudi mobile such as 05XXXXXXXX.
error-identity-invalid_email = The e-mail address is not valid.
error-identity-invalid_name = The name is required and must not exceed 120 characters.
error-request-invisible_characters = The text contains invisible control characters (direction marks or zero-width characters); remove them.
error-identity-weak_password = The password must be 8 to 128 characters long.
error-identity-common_password = This password is common or easy to guess: choose a longer phrase of unrelated words.
error-identity-password_has_personal_data = The password must not contain your ID number, mobile, e-mail or name.
error-request-too_many_items = There are more items than allowed.
error-request-csrf_invalid = This form has expired or did not come from this page. Reload the page and try again.
error-request-invalid_choice = The value is not one of the allowed choices.
error-identity-account_exists = An account with these details already exists.
error-entity-invalid_unified_number = The unified number is not valid: 10 digits starting with 7.
error-entity-exists = An entity with this unified number already exists.
error-department-unknown = The department does not exist in this entity.
error-entity-unknown = The entity does not exist.
error-transaction_type-invalid_code = The transaction type code is 2 to 40 lowercase Latin letters, digits, _ or -.
error-transaction_type-exists = A transaction type with this code already exists in the entity.
error-transaction_type-invalid_sla = The SLA in hours must be between 1 and 8760.
error-transaction_type-invalid_field = The field definition is not valid: a unique lowercase key, and choices only for choice fields.
error-request-invalid_text = The text is required and must not exceed the allowed length.
error-transaction_type-unknown = The transaction type does not exist in this entity.
error-transaction-unknown_field = This field is not defined for the transaction type.
error-transaction-illegal_transition = This action is not possible in the transaction's current status.
error-transaction-reference_ambiguous = You have transactions with this reference at more than one entity: choose the entity.
error-transaction-already_rated = This transaction has already been rated.
error-idempotency-in_progress = A request with the same idempotency key is still being processed.
error-idempotency-key_reused = The idempotency key was already used for a different request.
error-realtime-topic_forbidden = You may not follow this topic, or it does not exist.
error-realtime-too_slow = The connection was closed because messages piled up faster than they were read; reconnect to resume.
error-realtime-auth_timeout = No credentials arrived in time.
error-voice-unsupported_type = This recording format is not supported: send Ogg Opus, WebM Opus or WAV.
error-voice-invalid = The recording could not be read: it is damaged, cut short, or not what it claims to be.
error-voice-too_long = The recording is longer than five minutes.
error-search-query_empty = Type at least one word to search for.
error-service-unavailable = The service is temporarily unavailable.
error-internal = An unexpected error occurred; it has been logged.

## Notifications: `notice-` and the kind, a subject and the sentence (see ar.ftl).

brand = Tawasul
mail-open = Open the transaction
mail-preferences = Notification preferences

notice-transaction_created-subject = Your transaction { $reference } has been received
notice-transaction_created-line = { $entity } has received your transaction “{ $subject }” under number { $reference } ({ $year } AH). Keep this number to follow it up.
notice-assigned-subject = Transaction { $reference } is assigned to you
notice-assigned-line = Transaction { $reference }, “{ $subject }”, is assigned to you.
notice-queued_unassigned-subject = Transaction { $reference } is waiting to be assigned
notice-queued_unassigned-line = Transaction { $reference }, “{ $subject }”, is in the department's queue with no employee available to take it.
notice-external_reply-subject = New reply on transaction { $reference }
notice-external_reply-line = There is a new reply on transaction { $reference }, “{ $subject }”. Open the transaction to read it.
notice-awaiting_beneficiary-subject = Transaction { $reference } is waiting for you
notice-awaiting_beneficiary-line = { $entity } needs your reply to complete transaction { $reference }, “{ $subject }”.
notice-postponed-subject = Transaction { $reference } postponed
notice-postponed-line = Transaction { $reference } is postponed until { $until } (Riyadh time). Reason: { $reason }
notice-resumed-subject = Transaction { $reference } resumed
notice-resumed-line = Work on transaction { $reference }, “{ $subject }”, has resumed.
notice-completed-subject = Transaction { $reference } completed
notice-completed-line = { $entity } has completed transaction { $reference }, “{ $subject }”.
notice-rejected-subject = Transaction { $reference } rejected
notice-rejected-line = Transaction { $reference }, “{ $subject }”, was rejected. Reason: { $reason }
notice-reopened-subject = Transaction { $reference } reopened
notice-reopened-line = Transaction { $reference }, “{ $subject }”, has been reopened.
notice-please_rate-subject = Rate the service on transaction { $reference }
notice-please_rate-line = Please rate the service you received from { $entity } on transaction { $reference }; your opinion improves it.

## The one-time code ($code), valid for $minutes minutes.

otp-subject = Your Tawasul verification code
otp-text = Your Tawasul verification code is { $code }. It is valid for { $minutes ->
        [one] one minute
       *[other] { $minutes } minutes
    }. Do not share it.

## A new staff account's sign-in details (see ar.ftl).

credentials-subject = Your Tawasul sign-in details
credentials-text =
    Hello { $name },

    An account has been created for you on Tawasul.
    Login: { $login }
    Temporary password: { $password }
    Sign in at: { $url }

    Please change the password after your first sign-in.

## Dates: Gregorian ($day $month $year, $time on Riyadh's clock) and Hijri.

date-gregorian = { $day } { $month } { $year }, { $time }
date-hijri = { $day } { $month } { $year }
month-gregorian-1 = January
month-gregorian-2 = February
month-gregorian-3 = March
month-gregorian-4 = April
month-gregorian-5 = May
month-gregorian-6 = June
month-gregorian-7 = July
month-gregorian-8 = August
month-gregorian-9 = September
month-gregorian-10 = October
month-gregorian-11 = November
month-gregorian-12 = December
month-hijri-1 = Muharram
month-hijri-2 = Safar
month-hijri-3 = Rabi al-Awwal
month-hijri-4 = Rabi al-Akhir
month-hijri-5 = Jumada al-Ula
month-hijri-6 = Jumada al-Akhirah
month-hijri-7 = Rajab
month-hijri-8 = Shaban
month-hijri-9 = Ramadan
month-hijri-10 = Shawwal
month-hijri-11 = Dhu al-Qadah
month-hijri-12 = Dhu al-Hijjah

## Statuses and priorities, as lists and pages name them.

status-new = New
status-assigned = Assigned
status-in_progress = In progress
status-awaiting_beneficiary = Awaiting beneficiary
status-postponed = Postponed
status-completed = Completed
status-rejected = Rejected
status-reopened = Reopened
priority-normal = Normal
priority-important = Important
priority-urgent = Urgent

## The web pages.

ui-skip = Skip to main content
ui-lang-switch = العربية
ui-nav-label = Main menu
ui-nav-transactions = My transactions
ui-nav-inbox = Inbox
ui-nav-new = New request
ui-signed-in-as = Signed in as
ui-sign-out = Sign out
ui-error-summary = There is a problem
ui-error-page = The page could not be shown
ui-sign-in-title = Sign in
ui-sign-in-intro = Sign in with your national ID, iqama or passport number, your e-mail or your mobile number.
ui-sign-in-login = ID number, e-mail or mobile
ui-sign-in-password = Password
ui-sign-in-submit = Sign in
ui-transactions-title = My transactions
ui-inbox-title = Inbox
ui-none-yet = No transactions yet.
ui-col-reference = Reference
ui-col-subject = Subject
ui-col-assignee = Employee
ui-col-type = Type
ui-col-date = Date
ui-col-status = Status
ui-col-priority = Priority
ui-late = Late
ui-unassigned = Not assigned yet
ui-filter-status = Status
ui-filter-any = All
ui-filter-mine = Assigned to me only
ui-filter-late = Late only
ui-filter-apply = Filter
ui-next-page = Next page
ui-timeline = Timeline
ui-details = Request details
ui-beneficiary = Beneficiary
ui-due = Expected completion
ui-reply-title = Add a reply
ui-comment-body = Your reply
ui-visibility = Who is this comment for?
ui-visibility-external = Reply to the beneficiary — the beneficiary sees it
ui-visibility-internal = Internal comment — the beneficiary never sees it
ui-badge-internal = Internal
ui-badge-external = To beneficiary
ui-send = Send
ui-closed-no-reply = This transaction is closed and takes no replies.
ui-live-connected = This page updates live.
ui-platform = The platform
event-created = Request submitted
event-assigned = Assigned to { $name }
event-assigned-nobody = Assignment removed
event-status_changed = Status changed to “{ $status }”
event-attachment = Document attached: { $name } ({ $size })
event-voice = Voice note ({ $duration })
event-rated = Service rated { $stars } out of 5
ui-new-title = New request
ui-new-step-entity = Choose the entity
ui-new-step-type = Choose the type of transaction
ui-new-step-details = Request details
ui-choose-entity = Entity
ui-choose-type = Type of transaction
ui-next = Continue
ui-back = Back
ui-subject = Subject
ui-body = Your request
ui-priority = Priority
ui-submit-request = Send the request
ui-created-title = We have received your request
ui-created-reference = Your reference number
ui-created-next = Your request has gone to the entity responsible, and you will get a message at every step. You can follow it from “My transactions”.
ui-created-open = View the request
ui-register-link = No account yet? Register now
ui-register-title = Create a beneficiary account
ui-register-intro = Registering takes under a minute. You will need your ID number, your mobile number and your e-mail.
ui-register-name-ar = Name in Arabic
ui-register-name-en = Name in English
ui-register-id-type = Type of ID
ui-register-id-number = ID number
ui-register-mobile = Mobile number
ui-register-email = E-mail
ui-register-residence = Where you live
ui-register-language = Language of your messages
ui-register-password-hint = At least eight characters, without your ID number, mobile, e-mail or name.
ui-register-submit = Create the account
ui-register-have-account = Already registered? Sign in
id-type-national_id = National ID
id-type-iqama = Iqama
id-type-passport = Passport
residence-inside = Inside the Kingdom
residence-outside = Outside the Kingdom
ui-steps-title = Actions on this transaction
ui-step-complete = Complete the transaction
ui-step-await = Ask the beneficiary for information
ui-step-postpone = Postpone the transaction
ui-step-reject = Reject the transaction
ui-step-until = Postponed until
ui-step-message = What do you need from the beneficiary?
ui-step-note = Closing note to the beneficiary (optional)
ui-step-reason = Reason (the beneficiary sees it)
ui-step-assign = Assign
ui-step-employee = Employee
ui-step-choose = Choose…
ui-step-reopen = Reopen the transaction
ui-step-rate = Rate the service
ui-step-stars = How many stars do you give the service?
ui-step-rate-comment = A word about the service (optional)
ui-attach-title = Attach a document
ui-attach-file = Document
ui-attach-submit = Attach
ui-voice-record = Record a voice note
ui-voice-stop = Stop and send
ui-voice-sending = Sending the recording…
ui-voice-failed = The recording could not be sent; please try again.
ui-voice-denied = The microphone was not allowed.
ui-voice-player = Play the voice note
ui-download = Download
ui-size-b = { $n } bytes
ui-size-kb = { $n } KB
ui-size-mb = { $n } MB
ui-nav-notices = Notifications
ui-nav-preferences = Notification settings
ui-notices-title = Notifications
ui-notices-empty = No notifications yet.
ui-notices-mark-all = Mark all as read
ui-notice-unread = New
ui-open-transaction = Open the transaction
ui-preferences-title = Notification settings
ui-channels = Channels that are on
ui-channel-email = E-mail
ui-channel-sms = SMS
ui-channel-in_app = In the app
ui-preferences-events = What reaches me, and how
ui-preferences-kind = Notice
ui-preferences-receipt-sms = An SMS with the transaction's number is always sent when you submit it.
ui-save = Save
ui-saved = Your settings were saved.
ui-kind-transaction_created = A new transaction received
ui-kind-assigned = A transaction assigned to me
ui-kind-queued_unassigned = A transaction waiting to be assigned in the department
ui-kind-external_reply = A new reply
ui-kind-awaiting_beneficiary = A request for information from me
ui-kind-postponed = Transaction postponed
ui-kind-resumed = Transaction resumed
ui-kind-completed = Transaction completed
ui-kind-rejected = Transaction rejected
ui-kind-reopened = Transaction reopened
ui-kind-please_rate = An invitation to rate the service
ui-nav-lookup = Find by reference
ui-lookup-title = Find a transaction by its reference number
ui-lookup-reference = Reference number
ui-lookup-hint = As in the receipt, such as 1448-000123, or the number alone with the year.
ui-lookup-year = Hijri year (optional)
ui-lookup-submit = Find
ui-lookup-choose = This number exists at more than one entity; choose the entity:
ui-account-title = My account
ui-contact-email = E-mail
ui-contact-sms = Mobile number
ui-verified = Verified
ui-unverified = Not verified
ui-code-send = Send a verification code
ui-code-again = Send a new code
ui-code-sent-email = We sent a six-digit code to your e-mail; it is valid for ten minutes.
ui-code-sent-sms = We sent a six-digit code to your mobile by SMS; it is valid for ten minutes.
ui-code = Verification code
ui-code-verify = Verify
ui-verified-now-email = Your e-mail is verified.
ui-verified-now-sms = Your mobile number is verified.
