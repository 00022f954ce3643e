//! The one message catalogue (Fluent): every sentence Tawasul says to people —
//! the API's error messages, the notifications, the one-time code — by id, in
//! Arabic (`locales/ar.ftl`, the default) and English (`locales/en.ftl`).
//! Both files are compiled into the binary; a test checks that each language
//! has every id and that every message formats without an error. Fluent's
//! plural rules give Arabic its six forms (`otp-text` uses them).

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::Lang;

const AR: &str = include_str!("../locales/ar.ftl");
const EN: &str = include_str!("../locales/en.ftl");

struct Catalogue {
    ar: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue { ar: bundle("ar", AR), en: bundle("en", EN) });

/// A language's bundle. The files are part of the source: one that does not
/// parse is a bug the tests catch before anything ships.
fn bundle(lang: &str, source: &'static str) -> FluentBundle<FluentResource> {
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(r, _)| r);
    let locale = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![locale]);
    // No Unicode isolation marks around arguments: they would travel into
    // SMS (costing characters) and plain-text mail; HTML sets `dir` itself.
    b.set_use_isolating(false);
    let _ = b.add_resource(resource);
    b
}

fn of(lang: Lang) -> &'static FluentBundle<FluentResource> {
    match lang {
        Lang::Ar => &CATALOGUE.ar,
        Lang::En => &CATALOGUE.en,
    }
}

/// An argument of a message.
pub enum Arg<'a> {
    Text(&'a str),
    /// A count: chooses the plural form.
    Number(i64),
}

/// The message `id` in `lang`, with its arguments; the id itself if the
/// catalogue lacks it (which the tests forbid).
pub fn text(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let bundle = of(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { return id.to_owned() };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(t) => fluent_args.set(*name, FluentValue::from(*t)),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = vec![];
    bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
}

/// Messages without arguments (error messages), formatted once and kept, by
/// language and id.
static PLAIN: LazyLock<[HashMap<&'static str, String>; 2]> =
    LazyLock::new(|| [formatted(Lang::Ar), formatted(Lang::En)]);

fn formatted(lang: Lang) -> HashMap<&'static str, String> {
    let mut plain = HashMap::new();
    for id in ids(lang) {
        if let Some(p) = of(lang).get_message(id).and_then(|m| m.value()) {
            let mut errors = vec![];
            let formatted = of(lang).format_pattern(p, None, &mut errors);
            if errors.is_empty() {
                plain.insert(id, formatted.into_owned());
            }
        }
    }
    plain
}

/// A message without arguments, borrowed for the life of the program.
pub fn plain(lang: Lang, id: &str) -> Option<&'static str> {
    let by_id = &PLAIN[usize::from(lang == Lang::En)];
    by_id.get(id).map(String::as_str)
}

/// Every message id of a language's file, in order, as Fluent's parser reads them.
fn ids(lang: Lang) -> Vec<&'static str> {
    let source = match lang {
        Lang::Ar => AR,
        Lang::En => EN,
    };
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(r, _)| r);
    resource
        .body
        .into_iter()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_files_parse_and_have_the_same_ids() {
        for (lang, source) in [("ar", AR), ("en", EN)] {
            if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
                panic!("{lang}.ftl does not parse: {errors:?}");
            }
        }
        let ar: BTreeSet<&str> = ids(Lang::Ar).into_iter().collect();
        let en: BTreeSet<&str> = ids(Lang::En).into_iter().collect();
        assert_eq!(ar.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&&str>::new());
        // Every error code and notice kind is looked up by the tests of `error` and `messages`.
        assert!(ar.contains("brand") && ar.contains("otp-text"), "{ar:?}");
        for lang in [Lang::Ar, Lang::En] {
            for id in ids(lang) {
                assert!(of(lang).get_message(id).is_some_and(|m| m.value().is_some()), "{id} ({lang:?})");
            }
        }
    }

    #[test]
    fn arabic_counts_take_their_plural_forms() {
        let otp = |lang, n| text(lang, "otp-text", &[("code", Arg::Text("123456")), ("minutes", Arg::Number(n))]);
        assert!(otp(Lang::Ar, 1).contains("دقيقة واحدة"));
        assert!(otp(Lang::Ar, 2).contains("دقيقتين"));
        assert!(otp(Lang::Ar, 10).contains("10 دقائق"));
        assert!(otp(Lang::Ar, 15).contains("15 دقيقة"));
        assert!(otp(Lang::En, 1).contains("one minute") && otp(Lang::En, 10).contains("10 minutes"));
        assert!(otp(Lang::Ar, 10).contains("123456"), "{}", otp(Lang::Ar, 10));
    }

    #[test]
    fn arguments_are_placed_without_isolation_marks() {
        let s = text(Lang::Ar, "notice-assigned-subject", &[("reference", Arg::Text("1448/000123"))]);
        assert_eq!(s, "أُسندت إليك المعاملة رقم 1448/000123");
        assert_eq!(text(Lang::En, "no-such-id", &[]), "no-such-id");
    }
}
