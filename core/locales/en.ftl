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
error-calendar-no_working_day = Choose at least one working day.
error-calendar-invalid_hours = The working day must close after it opens.
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
error-meeting-outside_window = Not possible at this time: check-in opens fifteen minutes before the meeting and closes when it ends.
error-meeting-cancelled = This meeting was cancelled.
error-meeting-minutes_sealed = The minutes are approved and sealed; they cannot be changed.
error-meeting-minutes_missing = Write the draft minutes before approving them.
error-vote-not_eligible = You may not vote: invitees who checked in and hold the voting permission vote.
error-vote-closed = This vote is closed.
error-vote-already_cast = You have already voted in this vote.
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
notice-sla_warning-subject = Transaction { $reference } is nearing its target
notice-sla_warning-line = Eighty percent of the time set for transaction { $reference }, “{ $subject }”, has passed ({ $target }).
notice-sla_breached-subject = Transaction { $reference } is past its target
notice-sla_breached-line = The time set for transaction { $reference }, “{ $subject }”, has passed ({ $target }).
notice-escalated-subject = Transaction { $reference } was escalated
notice-escalated-line = Transaction { $reference }, “{ $subject }”, was escalated: { $reason }.

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
event-sla_warning = Eighty percent of the time set has passed ({ $target }, { $hours } working hours)
event-sla_breached = The time set has passed ({ $target }, { $hours } working hours)
event-escalated = Escalated: { $why }
sla-target-first_response = first response
sla-target-resolution = completion
escalation-why-no_action = the assigned employee did not act in time
escalation-why-on_leave = the assigned employee is on leave
escalation-why-deactivated = the assigned employee's account was deactivated
escalation-level-2 = and referred to the department's supervisors
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
ui-kind-sla_warning = A transaction nearing its target
ui-kind-sla_breached = A transaction past its target
ui-kind-escalated = A transaction escalated
ui-nav-lookup = Find by reference
ui-guest-title = Meeting invitation
ui-guest-greeting = Welcome,
ui-guest-cancelled = This meeting was cancelled.
ui-guest-when = When (Riyadh time)
ui-guest-where = Where
ui-guest-organiser = Organised by
ui-guest-agenda = Agenda
ui-guest-reply = Your reply to the invitation
ui-guest-accept = I will attend
ui-guest-tentative = Perhaps
ui-guest-decline = I cannot attend
ui-guest-check-in = Check in now
ui-guest-present = You checked in at
ui-meeting-title = Meeting room
ui-meeting-minutes-unit = minutes
ui-meeting-attendance = Attendance
ui-meeting-invitee = Invitee
ui-meeting-rsvp = Reply
ui-meeting-checked-in = Checked in
ui-meeting-guest = guest
ui-meeting-rsvp-accepted = Will attend
ui-meeting-rsvp-tentative = Perhaps
ui-meeting-rsvp-declined = Cannot attend
ui-meeting-rsvp-none = No reply yet
ui-meeting-notes = Notes and opinions
ui-meeting-note = Your note
ui-meeting-note-item = About
ui-meeting-note-general = The meeting in general
ui-meeting-note-submit = Share the note
ui-meeting-votes = Votes
ui-vote-ballot-open = Open ballot
ui-vote-ballot-secret = Secret ballot
ui-vote-quorum = Quorum
ui-vote-turnout = Ballots cast:
ui-vote-choose = Your choice
ui-vote-cast = Cast my ballot
ui-vote-close = Close the vote
ui-vote-option = Option
ui-vote-count = Ballots
ui-vote-outcome-decided = Decided
ui-vote-outcome-tied = Tied
ui-vote-outcome-no_quorum = No quorum
ui-vote-outcome-no_ballots = No ballots
ui-vote-quorum-met = quorum present
ui-vote-quorum-missed = quorum not present
ui-vote-new = Open a vote
ui-vote-question = Question
ui-vote-options = Options
ui-vote-options-hint = One option a line, at least two.
ui-vote-ballot = Ballot
ui-vote-open = Open the vote
ui-meeting-minutes = Minutes
ui-meeting-minutes-sealed = Approved and sealed. SHA-256:
ui-meeting-minutes-draft = Draft minutes
ui-meeting-minutes-save = Save the draft
ui-meeting-minutes-approve = Approve and seal the minutes
ui-meeting-decisions = Decisions
ui-meeting-decision = A decision
ui-meeting-decision-submit = Record the decision
ui-nav-calendar = Calendar
ui-calendar-title = My calendar
ui-calendar-nav = Move through the calendar
ui-calendar-previous = Previous
ui-calendar-next = Next
ui-calendar-today = Today
ui-calendar-month = Month view
ui-calendar-week = Week view
ui-calendar-kind-meeting = meeting
ui-calendar-kind-due = transaction due
ui-calendar-kind-reminder = reminder
ui-calendar-reminder-title = Add a reminder
ui-calendar-reminder-day = Day
ui-calendar-reminder-time = Time (Riyadh)
ui-calendar-reminder-text = Remind me of
ui-calendar-reminder-submit = Add the reminder
ui-weekday-0 = Sunday
ui-weekday-1 = Monday
ui-weekday-2 = Tuesday
ui-weekday-3 = Wednesday
ui-weekday-4 = Thursday
ui-weekday-5 = Friday
ui-weekday-6 = Saturday
ui-meeting-new-title = Schedule a meeting
ui-meeting-new-subject = Subject of the meeting
ui-meeting-new-agenda-hint = One agenda item a line.
ui-meeting-new-duration = Duration in minutes
ui-meeting-new-mode = How it is held
ui-meeting-new-location = Place or joining link
ui-meeting-new-invitees = Employees invited
ui-meeting-new-guest = An outside guest
ui-meeting-new-guest-hint = A name, with an e-mail address or a mobile number: the invitation carries a link to reply and check in without an account.
ui-meeting-new-guest-name = Guest's name
ui-meeting-new-guest-email = Guest's e-mail
ui-meeting-new-guest-mobile = Guest's mobile
ui-meeting-new-submit = Schedule and send the invitations
ui-meeting-cancel = Cancel the meeting
ui-meeting-cancel-hint = Every invitee is told, and their calendars drop it.
ui-meeting-cancel-confirm = Cancel it and tell the invitees
ui-decisions-title = Register of decisions
ui-decisions-none = No decision has been recorded yet.
ui-decisions-date = Date
ui-decisions-meeting = Meeting
ui-decisions-vote = Vote
ui-lookup-title = Find a transaction by its reference number
ui-lookup-reference = Reference number
ui-lookup-hint = As in the receipt, such as 1448-000123, or the number alone with the year.
ui-lookup-year = Hijri year (optional)
ui-lookup-submit = Find
ui-lookup-choose = This number exists at more than one entity; choose the entity:
ui-account-title = My account
ui-account-record = My record over the past year
ui-account-present = Time on the platform
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
ui-nav-directory = Entities
ui-directory-title = Directory of entities
ui-directory-lead = The entities that take your requests on Tawasul, and the kinds of request each one takes.
ui-directory-none = No entities yet.
ui-directory-no-types = This entity takes no requests yet.
ui-entity-kind-government = Government entity
ui-entity-kind-private = Company
ui-entity-kind-nonprofit = Nonprofit
ui-nav-search = Search the archive
ui-search-title = Search the archive
ui-search-words = Words to find
ui-search-hint = Arabic words match whatever their diacritics, hamza forms, taa marbuta, article and attached pronouns.
ui-search-filters = Narrow the search
ui-search-kind = Kind of document
ui-search-entity = Entity
ui-search-type = Transaction type
ui-search-from = From
ui-search-to = To
ui-search-submit = Search
ui-search-none = Nothing matches these words. Try fewer words or remove a filter.
ui-search-total = { $n ->
        [one] One result
       *[other] { $n } results
    }
ui-archive-kind-transaction = Transaction
ui-archive-kind-comment = Comment
ui-archive-kind-voice = Voice note
ui-archive-kind-document = Document
ui-archive-kind-minutes = Meeting minutes
ui-nav-audit = Audit trail
ui-audit-title = Audit trail
ui-nav-overview = Entity overview
ui-nav-dashboard = Dashboard
ui-nav-console = Oversight console
ui-dashboard-title = Dashboard
ui-dashboard-department = Department
ui-dashboard-all-departments = All departments
ui-dashboard-completion-rate = Completion rate
ui-dashboard-delay-rate = Delay rate
ui-dashboard-on-time-rate = Closed on time
ui-dashboard-median-first-response = Median first response
ui-dashboard-median-resolution = Median time to complete
ui-dashboard-rating = Average rating
ui-dashboard-score = Speed score
ui-dashboard-present = Time on the platform
ui-dashboard-present-all = Team's time on the platform
ui-dashboard-hours = { $n } h
ui-dashboard-by-week = Transactions by the week they were opened
ui-dashboard-by-hijri-month = Transactions by the Hijri month they were opened
ui-dashboard-open-on-time = Open, on time
ui-dashboard-as-table = Show the data as a table
ui-dashboard-period = Period
ui-dashboard-employees = Employees
ui-dashboard-definitions = Times are working hours on the entity's calendar, pauses left out; the speed score compares each transaction's time to complete with its type's target.
ui-dashboard-rows-title = The transactions behind the figure
ui-dashboard-back = Back to the dashboard
ui-dashboard-opened = Opened
ui-dashboard-closed = Closed
ui-dashboard-more = { $n } more not shown; narrow the period or the filters.
ui-console-title = Oversight console
ui-console-index = Performance index
ui-console-index-chart = Performance index by entity (achieved against target)
ui-console-entities = Entities side by side
ui-console-definitions = An entity's index is the mean of its attainment of its targets; the government's is the mean of the entities' indexes.
ui-overview-title = Entity overview
ui-overview-lead = How many of the entity's transactions stand in each status, and how many are late, by department, transaction type and employee, as they are now.
ui-overview-choose = Choose an entity
ui-overview-show = Show
ui-overview-open = Open
ui-overview-late = Late
ui-overview-completed = Completed
ui-overview-rejected = Rejected
ui-overview-postponed = Postponed
ui-overview-total = Total
ui-overview-count = Number
ui-overview-name = Name
ui-overview-by-status = Transactions by status
ui-overview-by-department = By department
ui-overview-by-type = By transaction type
ui-overview-by-employee = By employee
ui-overview-none = No transactions yet.
ui-audit-lead = Every action on the platform is recorded here with who took it, when and from where; each entry is chained to the one before by a hash that shows any change or removal.
ui-audit-action = Action
ui-audit-seq = No.
ui-audit-who = By
ui-audit-target = On
ui-audit-address = Address
ui-audit-platform = The platform
ui-audit-details = Details
ui-audit-before = Before:
ui-audit-after = After:
ui-audit-none = No entries match these filters.
ui-audit-verify = Verify the trail
ui-audit-intact = The trail is intact: no entry was changed or removed.
ui-audit-broken = The trail is broken: an entry was changed, removed or reordered.
ui-audit-first-bad = First entry that does not match:
ui-audit-entries = Entries:
ui-audit-head = Hash of the latest entry:
ui-audit-auth-register = Beneficiary registered
ui-audit-auth-login = Signed in
ui-audit-auth-login_failed = Failed sign-in
ui-audit-auth-logout = Signed out
ui-audit-auth-refresh = Session renewed
ui-audit-auth-refresh_token_reused = Refresh token reused
ui-audit-auth-rate_limited = Too many attempts
ui-audit-auth-otp_send = Verification code sent
ui-audit-auth-otp_verify = Verified with a code
ui-audit-auth-password_change = Password changed
ui-audit-auth-password_change_failed = Failed password change
ui-audit-entity-create = Entity registered
ui-audit-department-create = Department created
ui-audit-calendar-update = Working calendar changed
ui-audit-stats-export = Statistics exported
ui-audit-employee-create = Employee added
ui-audit-employee-update = Employee changed
ui-audit-transaction_type-create = Transaction type created
ui-audit-regulator-create = Regulator added
ui-audit-transaction-create = Transaction opened
ui-audit-transaction-step = Step on a transaction
ui-audit-transaction-comment = Comment
ui-audit-transaction-attachment = Document attached
ui-audit-transaction-voice = Voice note
ui-audit-transaction-rate = Service rated
ui-audit-targets-update = Indicator targets updated
ui-audit-transaction-sla_warning = Target nearing
ui-audit-transaction-sla_breached = Target passed
ui-audit-transaction-escalate = Transaction escalated
ui-audit-platform_admin-create_or_reset = Platform admin created or reset
ui-audit-master_key-rotate = Master key rotated
ui-audit-notification-given_up = Notification given up
ui-audit-notification-resend = Notification sent again
ui-audit-notification-preferences_change = Notification settings changed
ui-audit-notification-read = Notices read
ui-audit-meeting-create = Meeting scheduled
ui-audit-meeting-change = Meeting changed
ui-audit-meeting-cancel = Meeting cancelled
ui-audit-meeting-rsvp = Reply to a meeting invitation
ui-audit-meeting-check_in = Meeting check-in
ui-audit-meeting-note = Note in a meeting
ui-audit-meeting-minutes_draft = Draft minutes written
ui-audit-meeting-minutes_approve = Minutes approved and sealed
ui-audit-meeting-decision = Decision recorded
ui-audit-vote-create = Vote opened
ui-audit-vote-ballot = Ballot cast
ui-audit-vote-close = Vote closed
ui-audit-reminder-create = Reminder added
ui-audit-calendar_feed-issue = Private calendar address issued
ui-nav-admin = Manage the entity
ui-admin-label = Parts of the entity's administration
ui-admin-departments = Departments
ui-admin-employees = Employees
ui-admin-employee = Employee
ui-admin-types = Transaction types
ui-admin-add = Add
ui-admin-save = Save changes
ui-admin-saved = Changes saved.
ui-admin-name = Name
ui-admin-name-ar = Name in Arabic
ui-admin-name-en = Name in English
ui-admin-national-id = National ID number
ui-admin-no-departments = No departments yet. Add the first one below.
ui-admin-add-department = Add a department
ui-admin-parent = Under
ui-admin-top-level = No department (at the top)
ui-admin-no-employees = No employees yet.
ui-admin-role = Role
ui-admin-in-departments = Departments
ui-admin-standing = Standing
ui-admin-active = At work
ui-admin-inactive = Deactivated
ui-admin-on-leave-until = On leave until
ui-admin-add-employee = Add an employee
ui-admin-add-employee-hint = The sign-in details and a temporary password are e-mailed to the employee.
ui-admin-employee-added = Employee added and sent their sign-in details:
ui-admin-permissions = Permissions
ui-admin-permissions-hint = They start as the role's; you may grant one more or take one away. A new role starts from its own permissions.
ui-admin-leave = On leave until (optional)
ui-admin-active-check = Account active (clearing this deactivates it and signs it out everywhere at once)
ui-admin-no-types = No transaction types yet.
ui-admin-add-type = Add a transaction type
ui-admin-type-needs-department = Every transaction type belongs to a department; add one first:
ui-admin-code = Code (lowercase Latin letters and digits)
ui-admin-department = Department
ui-admin-sla = Target time to complete (working hours)
ui-admin-first-response = First-response target in working hours (optional)
ui-admin-escalate-after = Escalate after working hours without a step (optional)
ui-admin-routing = How it is assigned
ui-admin-fields = Extra fields the beneficiary fills in
ui-admin-fields-hint = Leave rows you do not need empty. For a choice field, write the options separated by commas.
ui-admin-another-field = Add another field
ui-admin-field = Field
ui-admin-field-key = Key (lowercase Latin letters)
ui-admin-field-kind = Kind of field
ui-admin-field-choices = Options (for a choice field)
ui-admin-field-required = Required
ui-role-employee = Employee
ui-role-supervisor = Supervisor
ui-role-admin = Entity admin
ui-routing-least_loaded = To the least loaded
ui-routing-round_robin = In turn
ui-field-kind-text = Text
ui-field-kind-number = Number
ui-field-kind-date = Date
ui-field-kind-choice = Choice from a list
ui-field-kind-file = File
ui-permission-transaction-view_own = See transactions assigned to them
ui-permission-transaction-view_department = See their departments' transactions
ui-permission-transaction-view_entity = See all the entity's transactions
ui-permission-transaction-assign = Assign transactions
ui-permission-transaction-postpone = Postpone transactions
ui-permission-transaction-complete = Complete transactions
ui-permission-transaction-reject = Reject transactions
ui-permission-comment-external = Reply to the beneficiary
ui-permission-comment-internal = Internal comments
ui-permission-comment-voice = Voice notes
ui-permission-meeting-create = Create meetings
ui-permission-meeting-vote = Vote in meetings
ui-permission-finance-enter = Enter financial data
ui-permission-finance-review = Review financial data
ui-permission-finance-approve = Approve financial data
ui-permission-employee-manage = Manage employees
ui-permission-department-manage = Manage departments
ui-permission-stats-view = See statistics
ui-permission-audit-view = Read the audit trail
ui-password-forgot-link = Forgotten your password?
ui-password-title = Reset your password
ui-password-intro = Enter your ID number, e-mail or mobile, and choose where we send a verification code.
ui-password-channel = Send the code to
ui-password-sent-email = If this account is registered with us, we have sent a six-digit code to its e-mail, valid for ten minutes.
ui-password-sent-sms = If this account is registered with us, we have sent a six-digit code to its mobile, valid for ten minutes.
ui-password-new = New password
ui-password-submit = Save the new password
ui-password-done = Your password has been changed and you have been signed out everywhere. Sign in with the new password.
ui-audit-auth-password_reset = Password reset
ui-audit-auth-password_reset_failed = Failed password reset
ui-useful-question = Was this page useful?
ui-useful-yes = Yes
ui-useful-no = No
ui-useful-thanks = Thank you
ui-useful-thanks-text = We have your answer, and will use it to make Tawasul better.
ui-useful-back = Back to the page
ui-print-link = Printable summary
ui-print-title = Request summary
ui-print-back = Back to the transaction
ui-print-now = Print
ui-print-hint = Or print the page from the browser.
ui-print-replies = Messages with the beneficiary
ui-print-no-replies = No messages yet.
ui-print-at = Printed on
ui-unread = unread
ui-nav-platform = Manage the platform
ui-platform-label = Parts of the platform's administration
ui-platform-entities = Entities
ui-platform-regulators = Regulators
ui-platform-add-regulator = Add a regulator
ui-platform-feedback = What visitors said of the pages
ui-platform-created = Created, and the sign-in details e-mailed:
ui-platform-kind = Kind of entity
ui-platform-add-entity = Register an entity
ui-platform-unified-number = Unified establishment number
ui-platform-first-admin = The entity's first admin
ui-platform-regulators-lead = A regulator reads the transactions and the audit trail of the entities in their remit, and changes nothing.
ui-platform-remit = Remit
ui-platform-remit-all = Every entity
ui-platform-remit-list = The entities ticked below
ui-platform-no-feedback = Nobody has answered "Was this page useful?" yet.
ui-platform-page = Page
ui-voice-file = Or attach a recording from your device
ui-voice-file-label = Recording
ui-voice-file-hint = Ogg, WebM or WAV, up to five minutes.
ui-voice-file-submit = Send the recording
ui-check-title = Check your request before sending it
ui-check-lead = Make sure these details are right.
ui-check-change = Change the details
ui-check-send-title = Send the request
ui-check-send-lead = Sending the request passes its details to the entity, and you receive a message with its reference number.
ui-check-send = Send the request
ui-check-continue = Continue
ui-optional = optional
ui-check-documents = Other documents
ui-check-documents-any = Documents
ui-check-documents-hint = You can choose several files at once: up to { $count }, each at most { $size }.
ui-created-documents = The documents sent with your request:
ui-new-documents-later = You attach documents at the last step, before sending the request.
ui-draft-save = Save as a draft and finish later
ui-draft-saved = Draft saved. You can finish it from any device.
ui-drafts-title = My drafts
ui-drafts-lead = Requests you began and have not sent yet.
ui-drafts-none = No drafts.
ui-draft-untitled = Request without a subject
ui-draft-updated = Last saved
ui-draft-resume = Finish the request
ui-draft-delete = Delete the draft
ui-nav-drafts = My drafts

## Meetings: the invitation (an e-mail with the calendar event, and an SMS) and the reminder before the start.

meeting-mode-remote = Remote
meeting-mode-in_person = In person
meeting-mode-hybrid = In person and remote
meeting-invitation-subject = Invitation: { $title }
meeting-invitation-text =
    Hello { $name },

    { $organiser } invites you to the meeting “{ $title }”.

    When: { $gregorian } ({ $hijri } AH), Riyadh time, for { $duration } minutes
    Where: { $place }

    Agenda:
    { $agenda }

    Reply to the invitation and check in when the meeting begins: { $link }
meeting-invitation-sms = { $organiser } invites you to “{ $title }” on { $gregorian } (Riyadh time). Reply: { $link }
meeting-changed-subject = Changed: { $title }
meeting-changed-text =
    Hello { $name },

    The meeting “{ $title }” has changed. It is now:

    When: { $gregorian } ({ $hijri } AH), Riyadh time, for { $duration } minutes
    Where: { $place }

    Agenda:
    { $agenda }

    { $link }
meeting-changed-sms = “{ $title }” has changed: now { $gregorian } (Riyadh time), { $place }.
meeting-cancelled-subject = Cancelled: { $title }
meeting-cancelled-text =
    Hello { $name },

    { $organiser } has cancelled the meeting “{ $title }” of { $gregorian } (Riyadh time).
meeting-cancelled-sms = { $organiser } has cancelled “{ $title }” of { $gregorian } (Riyadh time).
meeting-reminder-subject = Reminder: “{ $title }” starts at { $time }
meeting-reminder-text =
    Hello { $name },

    A reminder: the meeting “{ $title }” starts at { $time } Riyadh time ({ $gregorian }).
    Where: { $place }

    Check in when it begins: { $link }
meeting-guest-own-link = the link in your invitation
meeting-reminder-sms = Reminder: “{ $title }” starts at { $time } (Riyadh time). { $link }

## A person's own reminder, when its time comes.

reminder-subject = Reminder: { $text }
reminder-text =
    Hello { $name },

    You asked to be reminded at { $gregorian } (Riyadh time):
    { $text }

    Tawasul: { $link }
reminder-sms = Reminder: { $text } — { $link }

## An employee's private calendar feed.

calendar-feed-name = Tawasul calendar
calendar-due = Due: transaction { $reference } — { $subject }
