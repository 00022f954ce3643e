//! Meetings: invitations, shared notes, minutes, decisions and votes; and
//! each employee's calendar: their reminders and their private feed.
//!
//! A secret ballot is kept in two places that cannot be joined: who voted
//! (`vote_voters`, the one-ballot-each key, with no option, no time and no
//! order but the key's) and how many chose each option (`vote_tallies`, one
//! counter per option, added to in place: no row per ballot, so nothing to
//! order by). An open ballot also keeps who chose what (`open_ballots`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    EntityId,
    OrganiserId,
    Title,
    Agenda,
    StartsAt,
    DurationMinutes,
    Mode,
    Location,
    CancelledAt,
    Minutes,
    MinutesSha256,
    MinutesApprovedAt,
    RemindedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MeetingInvitees {
    Table,
    Id,
    MeetingId,
    UserId,
    NameAr,
    NameEn,
    Email,
    Mobile,
    Lang,
    GuestTokenSha256,
    Rsvp,
    RsvpAt,
    CheckedInAt,
}

#[derive(DeriveIden)]
enum MeetingNotes {
    Table,
    Id,
    MeetingId,
    AuthorId,
    AgendaItem,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    Id,
    MeetingId,
    Question,
    Options,
    Ballot,
    Quorum,
    ClosesAt,
    ClosedAt,
    Result,
    CreatedAt,
}

#[derive(DeriveIden)]
enum VoteVoters {
    Table,
    VoteId,
    VoterId,
}

#[derive(DeriveIden)]
enum VoteTallies {
    Table,
    VoteId,
    OptionIndex,
    Ballots,
}

#[derive(DeriveIden)]
enum OpenBallots {
    Table,
    VoteId,
    VoterId,
    OptionIndex,
}

#[derive(DeriveIden)]
enum MeetingDecisions {
    Table,
    Id,
    MeetingId,
    EntityId,
    VoteId,
    Text,
    DecidedAt,
}

#[derive(DeriveIden)]
enum PersonalReminders {
    Table,
    Id,
    UserId,
    At,
    Text,
    TransactionId,
    NotifiedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    UserId,
    Token,
    CreatedAt,
}

fn to(table: impl IntoIden + 'static, col: impl IntoIden + 'static, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(Alias::new(target), Alias::new("id")).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Meetings as M;
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(uuid(M::Id).primary_key())
                .col(uuid(M::EntityId))
                .col(uuid(M::OrganiserId))
                .col(text(M::Title))
                .col(json(M::Agenda))
                .col(timestamp_with_time_zone(M::StartsAt))
                .col(integer(M::DurationMinutes))
                .col(string_len(M::Mode, 16))
                .col(text_null(M::Location))
                .col(timestamp_with_time_zone_null(M::CancelledAt))
                .col(text_null(M::Minutes))
                .col(string_len_null(M::MinutesSha256, 64))
                .col(timestamp_with_time_zone_null(M::MinutesApprovedAt))
                .col(timestamp_with_time_zone_null(M::RemindedAt))
                .col(timestamp_with_time_zone(M::CreatedAt))
                .col(timestamp_with_time_zone(M::UpdatedAt))
                .foreign_key(&mut to(M::Table, M::EntityId, "entities"))
                .foreign_key(&mut to(M::Table, M::OrganiserId, "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("meetings_by_entity").table(M::Table).col(M::EntityId).col(M::StartsAt).to_owned(),
        )
        .await?;
        // The reminder worker's look-ahead: the meetings not yet reminded of.
        m.create_index(
            Index::create().name("meetings_to_remind").table(M::Table).col(M::RemindedAt).col(M::StartsAt).to_owned(),
        )
        .await?;

        use MeetingInvitees as I;
        m.create_table(
            Table::create()
                .table(I::Table)
                .col(uuid(I::Id).primary_key())
                .col(uuid(I::MeetingId))
                .col(uuid_null(I::UserId))
                .col(text(I::NameAr))
                .col(text(I::NameEn))
                .col(text_null(I::Email))
                .col(text_null(I::Mobile))
                .col(string_len(I::Lang, 2))
                .col(string_len_null(I::GuestTokenSha256, 64))
                .col(string_len_null(I::Rsvp, 16))
                .col(timestamp_with_time_zone_null(I::RsvpAt))
                .col(timestamp_with_time_zone_null(I::CheckedInAt))
                .foreign_key(
                    &mut to(I::Table, I::MeetingId, "meetings").on_delete(ForeignKeyAction::Cascade).to_owned(),
                )
                .foreign_key(&mut to(I::Table, I::UserId, "users"))
                .to_owned(),
        )
        .await?;
        // An employee is invited once; guests (no account) may be several.
        m.create_index(
            Index::create()
                .name("meeting_invitees_once")
                .table(I::Table)
                .col(I::MeetingId)
                .col(I::UserId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("meeting_invitees_by_user").table(I::Table).col(I::UserId).to_owned())
            .await?;
        // A guest's signed link names their invitation by its token's hash.
        m.create_index(
            Index::create()
                .name("meeting_invitees_by_guest_token")
                .table(I::Table)
                .col(I::GuestTokenSha256)
                .unique()
                .to_owned(),
        )
        .await?;

        use MeetingNotes as N;
        m.create_table(
            Table::create()
                .table(N::Table)
                .col(uuid(N::Id).primary_key())
                .col(uuid(N::MeetingId))
                .col(uuid(N::AuthorId))
                .col(integer_null(N::AgendaItem))
                .col(text(N::Body))
                .col(timestamp_with_time_zone(N::CreatedAt))
                .foreign_key(
                    &mut to(N::Table, N::MeetingId, "meetings").on_delete(ForeignKeyAction::Cascade).to_owned(),
                )
                .foreign_key(&mut to(N::Table, N::AuthorId, "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("meeting_notes_by_meeting").table(N::Table).col(N::MeetingId).to_owned())
            .await?;

        use Votes as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(uuid(V::Id).primary_key())
                .col(uuid(V::MeetingId))
                .col(text(V::Question))
                .col(json(V::Options))
                .col(string_len(V::Ballot, 8))
                .col(integer(V::Quorum))
                .col(timestamp_with_time_zone_null(V::ClosesAt))
                .col(timestamp_with_time_zone_null(V::ClosedAt))
                .col(json_null(V::Result))
                .col(timestamp_with_time_zone(V::CreatedAt))
                .foreign_key(
                    &mut to(V::Table, V::MeetingId, "meetings").on_delete(ForeignKeyAction::Cascade).to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("votes_by_meeting").table(V::Table).col(V::MeetingId).to_owned()).await?;
        // The closing worker's look-ahead.
        m.create_index(
            Index::create().name("votes_by_closing").table(V::Table).col(V::ClosedAt).col(V::ClosesAt).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VoteVoters::Table)
                .col(uuid(VoteVoters::VoteId))
                .col(uuid(VoteVoters::VoterId))
                .primary_key(Index::create().col(VoteVoters::VoteId).col(VoteVoters::VoterId))
                .foreign_key(
                    &mut to(VoteVoters::Table, VoteVoters::VoteId, "votes")
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VoteTallies::Table)
                .col(uuid(VoteTallies::VoteId))
                .col(integer(VoteTallies::OptionIndex))
                .col(integer(VoteTallies::Ballots))
                .primary_key(Index::create().col(VoteTallies::VoteId).col(VoteTallies::OptionIndex))
                .foreign_key(
                    &mut to(VoteTallies::Table, VoteTallies::VoteId, "votes")
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OpenBallots::Table)
                .col(uuid(OpenBallots::VoteId))
                .col(uuid(OpenBallots::VoterId))
                .col(integer(OpenBallots::OptionIndex))
                .primary_key(Index::create().col(OpenBallots::VoteId).col(OpenBallots::VoterId))
                .foreign_key(
                    &mut to(OpenBallots::Table, OpenBallots::VoteId, "votes")
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;

        use MeetingDecisions as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(uuid(D::Id).primary_key())
                .col(uuid(D::MeetingId))
                .col(uuid(D::EntityId))
                .col(uuid_null(D::VoteId))
                .col(text(D::Text))
                .col(timestamp_with_time_zone(D::DecidedAt))
                .foreign_key(&mut to(D::Table, D::MeetingId, "meetings"))
                .foreign_key(&mut to(D::Table, D::VoteId, "votes"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meeting_decisions_register")
                .table(D::Table)
                .col(D::EntityId)
                .col(D::DecidedAt)
                .to_owned(),
        )
        .await?;

        use PersonalReminders as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(uuid(R::Id).primary_key())
                .col(uuid(R::UserId))
                .col(timestamp_with_time_zone(R::At))
                .col(text(R::Text))
                .col(uuid_null(R::TransactionId))
                .col(timestamp_with_time_zone_null(R::NotifiedAt))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .foreign_key(&mut to(R::Table, R::UserId, "users").on_delete(ForeignKeyAction::Cascade).to_owned())
                .foreign_key(&mut to(R::Table, R::TransactionId, "transactions"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("personal_reminders_by_user").table(R::Table).col(R::UserId).col(R::At).to_owned(),
        )
        .await?;
        // The clock's look-ahead: the reminders not yet notified.
        m.create_index(
            Index::create().name("personal_reminders_due").table(R::Table).col(R::NotifiedAt).col(R::At).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarFeeds::Table)
                .col(uuid(CalendarFeeds::UserId).primary_key())
                .col(string_len(CalendarFeeds::Token, 64).unique_key())
                .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                .foreign_key(
                    &mut to(CalendarFeeds::Table, CalendarFeeds::UserId, "users")
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "calendar_feeds",
            "personal_reminders",
            "meeting_decisions",
            "open_ballots",
            "vote_tallies",
            "vote_voters",
            "votes",
            "meeting_notes",
            "meeting_invitees",
            "meetings",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
