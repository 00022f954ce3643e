//! The foundation: entities, accounts, departments, transaction types, sessions,
//! idempotency records, one-time codes, the notification outbox and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Entities {
    Table,
    Id,
    NameAr,
    NameEn,
    Kind,
    UnifiedNumber,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Role,
    NameAr,
    NameEn,
    IdType,
    IdNumber,
    Email,
    Mobile,
    PasswordHash,
    EmailVerified,
    MobileVerified,
    Language,
    Residence,
    EntityId,
    Grants,
    Revokes,
    Active,
    OnLeaveUntil,
    RemitAll,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
    EntityId,
    NameAr,
    NameEn,
    ParentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserDepartments {
    Table,
    UserId,
    DepartmentId,
}

#[derive(DeriveIden)]
enum RegulatorEntities {
    Table,
    UserId,
    EntityId,
}

#[derive(DeriveIden)]
enum TransactionTypes {
    Table,
    Id,
    EntityId,
    Code,
    NameAr,
    NameEn,
    DepartmentId,
    SlaHours,
    Routing,
    Fields,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    SessionId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Scope,
    Key,
    RequestHash,
    Status,
    ContentType,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OtpCodes {
    Table,
    UserId,
    Channel,
    CodeHash,
    ExpiresAt,
    Attempts,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Payload,
    Attempts,
    NextAttemptAt,
    DeliveredAt,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    At,
    ActorId,
    EntityId,
    Action,
    Target,
    Before,
    After,
    PrevHash,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Entities::Table)
                .col(uuid(Entities::Id).primary_key())
                .col(string(Entities::NameAr))
                .col(string(Entities::NameEn))
                .col(string(Entities::Kind))
                .col(string(Entities::UnifiedNumber).unique_key())
                .col(timestamp_with_time_zone(Entities::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(uuid(Users::Id).primary_key())
                .col(string(Users::Role))
                .col(string(Users::NameAr))
                .col(string(Users::NameEn))
                .col(string_null(Users::IdType))
                .col(string_null(Users::IdNumber).unique_key())
                .col(string_null(Users::Email).unique_key())
                .col(string_null(Users::Mobile).unique_key())
                .col(string(Users::PasswordHash))
                .col(boolean(Users::EmailVerified).default(false))
                .col(boolean(Users::MobileVerified).default(false))
                .col(string(Users::Language).default("ar"))
                .col(string_null(Users::Residence))
                .col(uuid_null(Users::EntityId))
                .col(json_binary(Users::Grants))
                .col(json_binary(Users::Revokes))
                .col(boolean(Users::Active).default(true))
                .col(timestamp_with_time_zone_null(Users::OnLeaveUntil))
                .col(boolean(Users::RemitAll).default(false))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Users::Table, Users::EntityId).to(Entities::Table, Entities::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("users_entity").table(Users::Table).col(Users::EntityId).to_owned())
            .await?;

        m.create_table(
            Table::create()
                .table(Departments::Table)
                .col(uuid(Departments::Id).primary_key())
                .col(uuid(Departments::EntityId))
                .col(string(Departments::NameAr))
                .col(string(Departments::NameEn))
                .col(uuid_null(Departments::ParentId))
                .col(timestamp_with_time_zone(Departments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Departments::Table, Departments::EntityId)
                        .to(Entities::Table, Entities::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Departments::Table, Departments::ParentId)
                        .to(Departments::Table, Departments::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("departments_entity").table(Departments::Table).col(Departments::EntityId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserDepartments::Table)
                .col(uuid(UserDepartments::UserId))
                .col(uuid(UserDepartments::DepartmentId))
                .primary_key(Index::create().col(UserDepartments::UserId).col(UserDepartments::DepartmentId))
                .foreign_key(
                    ForeignKey::create()
                        .from(UserDepartments::Table, UserDepartments::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(UserDepartments::Table, UserDepartments::DepartmentId)
                        .to(Departments::Table, Departments::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("user_departments_department")
                .table(UserDepartments::Table)
                .col(UserDepartments::DepartmentId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RegulatorEntities::Table)
                .col(uuid(RegulatorEntities::UserId))
                .col(uuid(RegulatorEntities::EntityId))
                .primary_key(Index::create().col(RegulatorEntities::UserId).col(RegulatorEntities::EntityId))
                .foreign_key(
                    ForeignKey::create()
                        .from(RegulatorEntities::Table, RegulatorEntities::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RegulatorEntities::Table, RegulatorEntities::EntityId)
                        .to(Entities::Table, Entities::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TransactionTypes::Table)
                .col(uuid(TransactionTypes::Id).primary_key())
                .col(uuid(TransactionTypes::EntityId))
                .col(string(TransactionTypes::Code))
                .col(string(TransactionTypes::NameAr))
                .col(string(TransactionTypes::NameEn))
                .col(uuid(TransactionTypes::DepartmentId))
                .col(integer(TransactionTypes::SlaHours))
                .col(string(TransactionTypes::Routing))
                .col(json_binary(TransactionTypes::Fields))
                .col(timestamp_with_time_zone(TransactionTypes::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(TransactionTypes::Table, TransactionTypes::EntityId)
                        .to(Entities::Table, Entities::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TransactionTypes::Table, TransactionTypes::DepartmentId)
                        .to(Departments::Table, Departments::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("transaction_types_entity_code")
                .table(TransactionTypes::Table)
                .col(TransactionTypes::EntityId)
                .col(TransactionTypes::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(uuid(RefreshTokens::Id).primary_key())
                .col(uuid(RefreshTokens::UserId))
                .col(uuid(RefreshTokens::SessionId))
                .col(string(RefreshTokens::TokenHash).unique_key())
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RefreshTokens::Table, RefreshTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("refresh_tokens_session")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::SessionId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string(IdempotencyKeys::Scope))
                .col(string(IdempotencyKeys::Key))
                .col(string(IdempotencyKeys::RequestHash))
                .col(integer_null(IdempotencyKeys::Status))
                .col(string_null(IdempotencyKeys::ContentType))
                .col(binary_null(IdempotencyKeys::Body))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .primary_key(Index::create().col(IdempotencyKeys::Scope).col(IdempotencyKeys::Key))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OtpCodes::Table)
                .col(uuid(OtpCodes::UserId))
                .col(string(OtpCodes::Channel))
                .col(string(OtpCodes::CodeHash))
                .col(timestamp_with_time_zone(OtpCodes::ExpiresAt))
                .col(integer(OtpCodes::Attempts).default(0))
                .col(timestamp_with_time_zone(OtpCodes::CreatedAt))
                .primary_key(Index::create().col(OtpCodes::UserId).col(OtpCodes::Channel))
                .foreign_key(
                    ForeignKey::create()
                        .from(OtpCodes::Table, OtpCodes::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(uuid(Outbox::Id).primary_key())
                .col(string(Outbox::Kind))
                .col(json_binary(Outbox::Payload))
                .col(integer(Outbox::Attempts).default(0))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Outbox::DeliveredAt))
                .col(string_null(Outbox::LastError))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outbox_pending")
                .table(Outbox::Table)
                .col(Outbox::DeliveredAt)
                .col(Outbox::NextAttemptAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_integer(AuditLog::Seq).primary_key())
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(uuid_null(AuditLog::ActorId))
                .col(uuid_null(AuditLog::EntityId))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::Target))
                .col(json_binary_null(AuditLog::Before))
                .col(json_binary_null(AuditLog::After))
                .col(string(AuditLog::PrevHash))
                .col(string(AuditLog::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_entity")
                .table(AuditLog::Table)
                .col(AuditLog::EntityId)
                .col(AuditLog::Seq)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            Outbox::Table.into_iden(),
            OtpCodes::Table.into_iden(),
            IdempotencyKeys::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            TransactionTypes::Table.into_iden(),
            RegulatorEntities::Table.into_iden(),
            UserDepartments::Table.into_iden(),
            Departments::Table.into_iden(),
            Users::Table.into_iden(),
            Entities::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
