//! Routing reads each employee's open load from a counter the database keeps,
//! instead of counting a department's open transactions at every decision (a
//! count that grows with the backlog and ran under the type's lock).
//!
//! `open_loads` holds, per employee, how many transactions not yet completed
//! or rejected they hold. Triggers on `transactions` keep it, so that every
//! path that opens, assigns, closes or reopens a transaction keeps it exact
//! without a rule of its own. An update that changes neither the status nor
//! the assignee (most of them: every comment takes a seq) fires nothing.
//! Transactions are never deleted.
//!
//! `routing_reservations` holds the decisions taken ahead of the unit that
//! records them (PostgreSQL: see `transactions::reserve_opening` in storage):
//! one row per decision until that unit commits and deletes it in the same
//! commit as the transaction whose trigger counts it. A reservation that
//! nothing recorded (its unit failed or its node died) stops counting after
//! a minute.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OpenLoads {
    Table,
    UserId,
    Open,
}

#[derive(DeriveIden)]
enum RoutingReservations {
    Table,
    Id,
    AssigneeId,
    CreatedAt,
}

/// Whether a row of `transactions` counts in its assignee's load (`r` is
/// `NEW` or `OLD`).
fn counts(r: &str) -> String {
    format!("{r}.assignee_id IS NOT NULL AND {r}.status NOT IN ('completed', 'rejected')")
}

const POSTGRES: &str = r#"
CREATE FUNCTION open_loads_add(who uuid, n bigint) RETURNS void LANGUAGE sql AS $$
  INSERT INTO open_loads (user_id, open) VALUES (who, n)
  ON CONFLICT (user_id) DO UPDATE SET open = open_loads.open + EXCLUDED.open
$$;
CREATE FUNCTION open_loads_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := TG_OP = 'UPDATE' AND OLD.assignee_id IS NOT NULL AND OLD.status NOT IN ('completed', 'rejected');
  now_ boolean := NEW.assignee_id IS NOT NULL AND NEW.status NOT IN ('completed', 'rejected');
BEGIN
  IF was AND now_ AND OLD.assignee_id = NEW.assignee_id THEN
    RETURN NULL;
  END IF;
  -- Two counters change on a reassignment: take their row locks in one
  -- order, so that two reassignments the other way round cannot deadlock.
  IF was AND now_ AND NEW.assignee_id < OLD.assignee_id THEN
    PERFORM open_loads_add(NEW.assignee_id, 1);
    PERFORM open_loads_add(OLD.assignee_id, -1);
    RETURN NULL;
  END IF;
  IF was THEN PERFORM open_loads_add(OLD.assignee_id, -1); END IF;
  IF now_ THEN PERFORM open_loads_add(NEW.assignee_id, 1); END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER open_loads_on_insert AFTER INSERT ON transactions
  FOR EACH ROW EXECUTE FUNCTION open_loads_follow();
CREATE TRIGGER open_loads_on_update AFTER UPDATE OF status, assignee_id ON transactions
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
  EXECUTE FUNCTION open_loads_follow();
"#;

/// SQLite has one writer, so the order of the two changes does not matter.
fn sqlite() -> Vec<String> {
    let (was, now) = (counts("OLD"), counts("NEW"));
    vec![
        format!(
            "CREATE TRIGGER open_loads_on_insert AFTER INSERT ON transactions WHEN {now} BEGIN \
             INSERT INTO open_loads (user_id, open) VALUES (NEW.assignee_id, 1) \
             ON CONFLICT (user_id) DO UPDATE SET open = open + 1; END"
        ),
        // A change between two open statuses takes one off and puts it back.
        format!(
            "CREATE TRIGGER open_loads_on_update AFTER UPDATE OF status, assignee_id ON transactions \
             WHEN OLD.status IS NOT NEW.status OR OLD.assignee_id IS NOT NEW.assignee_id BEGIN \
             UPDATE open_loads SET open = open - 1 WHERE user_id = OLD.assignee_id AND {was}; \
             INSERT INTO open_loads (user_id, open) SELECT NEW.assignee_id, 1 WHERE {now} \
             ON CONFLICT (user_id) DO UPDATE SET open = open + 1; END"
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OpenLoads::Table)
                .col(uuid(OpenLoads::UserId).primary_key())
                .col(big_integer(OpenLoads::Open).default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RoutingReservations::Table)
                .col(uuid(RoutingReservations::Id).primary_key())
                .col(uuid(RoutingReservations::AssigneeId))
                .col(timestamp_with_time_zone(RoutingReservations::CreatedAt))
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        c.execute_unprepared(
            "CREATE INDEX routing_reservations_by_assignee ON routing_reservations (assignee_id, created_at)",
        )
        .await?;
        c.execute_unprepared("CREATE INDEX routing_reservations_by_age ON routing_reservations (created_at)").await?;
        c.execute_unprepared(&format!(
            "INSERT INTO open_loads (user_id, open) SELECT assignee_id, COUNT(*) FROM transactions \
             WHERE {} GROUP BY assignee_id",
            counts("transactions")
        ))
        .await?;
        match m.get_database_backend() {
            DbBackend::Postgres => {
                c.execute_unprepared(POSTGRES).await?;
            }
            _ => {
                for statement in sqlite() {
                    c.execute_unprepared(&statement).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        for t in ["open_loads_on_insert", "open_loads_on_update"] {
            let on = if m.get_database_backend() == DbBackend::Postgres { " ON transactions" } else { "" };
            c.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}{on}")).await?;
        }
        if m.get_database_backend() == DbBackend::Postgres {
            c.execute_unprepared(
                "DROP FUNCTION IF EXISTS open_loads_follow(); DROP FUNCTION IF EXISTS open_loads_add(uuid, bigint)",
            )
            .await?;
        }
        m.drop_table(Table::drop().table(RoutingReservations::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(OpenLoads::Table).to_owned()).await?;
        Ok(())
    }
}
