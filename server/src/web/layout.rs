//! What every page's frame needs: its language and direction, its title, who
//! is signed in, the CSRF token for its forms, and the words of the message
//! catalogue.

use actix_web::HttpRequest;
use tawasul_core::Lang;
use tawasul_core::catalogue;
use tawasul_core::dates::{ShownDate, shown};
use tawasul_core::org::Role;

use super::session::Visitor;

/// The language cookie the switch sets; without it, `Accept-Language`.
pub const LANG_COOKIE: &str = "tawasul_lang";

#[derive(Clone)]
pub struct Layout {
    pub lang: Lang,
    /// The page's `<title>` and `<h1>`, a catalogue id.
    pub title: &'static str,
    /// Empty on pages for visitors not signed in.
    pub csrf: String,
    /// The signed-in person's name in the page's language.
    pub user: Option<String>,
    pub staff: bool,
    pub beneficiary: bool,
    /// Whether the person reads an audit trail (the nav links to it).
    pub auditor: bool,
    /// Whether the person reads some entity's overview (`stats_scope`).
    pub overseer: bool,
    /// Whether the person reads across entities (`platform_stats_scope`).
    pub console: bool,
    /// Unread in-app notices, shown beside the header's link.
    pub unread: u64,
    /// Whether the person manages some of their entity's organisation.
    pub admin: bool,
    /// Whether the person administers the platform.
    pub platform_admin: bool,
    /// This page's path and query, for the language switch to come back to.
    pub here: String,
}

impl Layout {
    /// The frame of a page for `req`, signed in or not.
    pub fn of(req: &HttpRequest, visitor: Option<&Visitor>) -> Layout {
        let lang = req
            .cookie(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()))
            .unwrap_or_else(|| crate::lang::lang_of(req.headers()));
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        };
        let (user, staff, beneficiary, csrf) = match visitor {
            Some(v) => {
                let view = &v.caller.account.view;
                let name = if lang == Lang::En { &view.name_en } else { &view.name_ar };
                (Some(name.clone()), view.role != Role::Beneficiary, view.role == Role::Beneficiary, v.csrf.clone())
            }
            None => (None, false, false, String::new()),
        };
        let auditor = visitor.is_some_and(|v| tawasul_core::policy::audit_scope(v.caller.actor(), None).is_ok());
        let overseer = visitor.is_some_and(|v| tawasul_core::policy::stats_scope(v.caller.actor(), None).is_ok());
        let console = visitor.is_some_and(|v| tawasul_core::policy::platform_stats_scope(v.caller.actor()).is_ok());
        let admin = visitor.and_then(|v| v.caller.actor().staff().map(|s| (v, s.entity_id))).is_some_and(|(v, e)| {
            use tawasul_core::policy::{Action, authorize};
            let actor = v.caller.actor();
            [Action::ManageDepartments(e), Action::ManageEmployees(e), Action::ManageTransactionTypes(e)]
                .into_iter()
                .any(|a| authorize(actor, a).is_ok())
        });
        let unread = visitor.map_or(0, |v| v.unread);
        let platform_admin = visitor.is_some_and(|v| {
            tawasul_core::policy::authorize(v.caller.actor(), tawasul_core::policy::Action::CreateEntity).is_ok()
        });
        Layout {
            lang,
            title: "brand",
            csrf,
            user,
            staff,
            beneficiary,
            auditor,
            overseer,
            console,
            unread,
            admin,
            platform_admin,
            here,
        }
    }

    pub fn titled(mut self, title: &'static str) -> Layout {
        self.title = title;
        self
    }

    /// A message of the catalogue; empty if missing (a test forbids that).
    pub fn t(&self, id: &str) -> &'static str {
        catalogue::plain(self.lang, id).unwrap_or("")
    }

    /// A message with arguments.
    pub fn t_with(&self, id: &str, args: &[(&str, catalogue::Arg<'_>)]) -> String {
        catalogue::text(self.lang, id, args)
    }

    /// The name of a value of a kind: `label("priority", "urgent")`.
    pub fn label(&self, kind: &str, value: &str) -> &'static str {
        self.t(&format!("{kind}-{value}"))
    }

    pub fn status(&self, s: &tawasul_core::workflow::Status) -> &'static str {
        self.label("status", s.as_str())
    }

    pub fn priority(&self, p: &tawasul_core::api::Priority) -> &'static str {
        self.label("priority", p.as_str())
    }

    pub fn dir(&self) -> &'static str {
        if self.lang == Lang::Ar { "rtl" } else { "ltr" }
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    /// The language the switch turns the page to.
    pub fn other_lang(&self) -> &'static str {
        if self.lang == Lang::Ar { "en" } else { "ar" }
    }

    /// The switch's link, back to this very page.
    pub fn switch_href(&self) -> String {
        format!("/language?to={}&back={}", self.other_lang(), urlencode(&self.here))
    }

    pub fn date(&self, at: &chrono::DateTime<chrono::Utc>) -> ShownDate {
        shown(self.lang, *at)
    }

    /// A document's size, in the unit that reads best.
    pub fn size(&self, bytes: u64) -> String {
        let (id, n) = match bytes {
            0..1_000 => ("ui-size-b", bytes.to_string()),
            1_000..1_000_000 => ("ui-size-kb", format!("{:.0}", bytes as f64 / 1_000.0)),
            _ => ("ui-size-mb", format!("{:.1}", bytes as f64 / 1_000_000.0)),
        };
        self.t_with(id, &[("n", catalogue::Arg::Text(&n))])
    }

    /// An audit action's name (`transaction.step`), as the trail shows it.
    pub fn audit_action(&self, action: &str) -> String {
        match catalogue::plain(self.lang, &audit_id(action)) {
            Some(name) => name.to_owned(),
            None => action.to_owned(),
        }
    }

    /// A permission's name (`transaction.assign`).
    pub fn permission(&self, p: &str) -> &'static str {
        self.t(&permission_id(p))
    }

    /// A name given in both languages, in the page's.
    pub fn name<'a>(&self, ar: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::En && !en.is_empty() { en } else { ar }
    }
}

/// The catalogue id of an audit action's name.
fn audit_id(action: &str) -> String {
    format!("ui-audit-{}", action.replace('.', "-"))
}

/// The catalogue id of a permission's name.
fn permission_id(p: &str) -> String {
    format!("ui-permission-{}", p.replace('.', "-"))
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).map(|e| e.trim_start_matches("v=").to_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tawasul_core::workflow::Status;

    /// Every word a template or a page handler asks for, and every status
    /// and priority name, is in both languages' catalogue.
    #[test]
    fn every_word_of_the_pages_is_in_the_catalogue() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut ids = vec![];
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
            let source = std::fs::read_to_string(entry.unwrap_or_else(|e| panic!("{e}")).path()).unwrap_or_default();
            for part in source.split("page.t(\"").skip(1) {
                ids.push(part.split('"').next().unwrap_or_default().to_owned());
            }
        }
        // And the ids the handlers name (titles, labels).
        let code = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        for entry in std::fs::read_dir(&code).unwrap_or_else(|e| panic!("{e}")) {
            let source = std::fs::read_to_string(entry.unwrap_or_else(|e| panic!("{e}")).path()).unwrap_or_default();
            for part in source.split("\"ui-").skip(1) {
                let rest = part.split('"').next().unwrap_or_default();
                if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                    ids.push(format!("ui-{rest}"));
                }
            }
        }
        assert!(ids.len() > 40, "{ids:?}");
        ids.extend(Status::ALL.iter().map(|s| format!("status-{}", s.as_str())));
        ids.extend(["normal", "important", "urgent"].map(|p| format!("priority-{p}")));
        ids.extend(tawasul_core::notify::NoticeKind::ALL.iter().map(|k| format!("ui-kind-{}", k.as_str())));
        ids.extend(tawasul_core::notify::Channel::ALL.iter().map(|c| format!("ui-channel-{}", c.as_str())));
        ids.extend(tawasul_core::api::Kind::ALL.iter().map(|k| format!("ui-archive-kind-{}", k.as_str())));
        ids.extend(tawasul_core::org::EntityKind::ALL.iter().map(|k| format!("ui-entity-kind-{}", k.as_str())));
        ids.extend(tawasul_core::audit::AuditAction::ALL.iter().map(|a| audit_id(a.as_str())));
        ids.extend(tawasul_core::permissions::Permission::ALL.iter().map(|p| permission_id(p.as_str())));
        ids.extend(tawasul_core::permissions::StaffRole::ALL.iter().map(|r| format!("ui-role-{}", r.as_str())));
        ids.extend(["least_loaded", "round_robin"].map(|r| format!("ui-routing-{r}")));
        ids.extend(["text", "number", "date", "choice", "file"].map(|k| format!("ui-field-kind-{k}")));
        for lang in [Lang::Ar, Lang::En] {
            for id in &ids {
                // A missing message comes back as its id.
                let shown = catalogue::text(lang, id, &[]);
                assert!(!shown.is_empty() && shown != *id, "{id} missing in {lang:?}");
            }
        }
    }
}
