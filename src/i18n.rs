//! Words for learners in more than one language: the message catalogues.
//!
//! Every sentence simnet says to a learner (an event's explanation, a
//! field's meaning, the step-through page's buttons) lives in a Fluent
//! catalogue under `locales/LANG/`, one file per subject, shipped inside the
//! binary. Fluent (Mozilla's localization system, the `fluent-bundle`
//! crate) lets a translator write whole sentences with their own word
//! order and plural rules, in a file a non-programmer can edit, without
//! touching Rust; a missing message falls back to English, then to its id.
//!
//! ```
//! use simnet::i18n::{Args, Catalogue, Lang};
//! let zh = Catalogue::new(Lang::Zh);
//! let mut args = Args::new();
//! args.set("name", "pc1");
//! assert!(!zh.text("page-title", &args).is_empty());
//! ```

use std::fmt;
use std::str::FromStr;

pub use fluent_bundle::FluentArgs as Args;
use fluent_bundle::{FluentBundle, FluentResource};
use unic_langid::LanguageIdentifier;

/// A language simnet speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Simplified Chinese, the seed lessons' language.
    Zh,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language's code: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The catalogue's files: `(file name, text)`.
    fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => &[
                ("en/events.ftl", include_str!("../locales/en/events.ftl")),
                ("en/fields.ftl", include_str!("../locales/en/fields.ftl")),
                ("en/page.ftl", include_str!("../locales/en/page.ftl")),
                (
                    "en/scenarios.ftl",
                    include_str!("../locales/en/scenarios.ftl"),
                ),
            ],
            Lang::Zh => &[
                ("zh/events.ftl", include_str!("../locales/zh/events.ftl")),
                ("zh/fields.ftl", include_str!("../locales/zh/fields.ftl")),
                ("zh/page.ftl", include_str!("../locales/zh/page.ftl")),
                (
                    "zh/scenarios.ftl",
                    include_str!("../locales/zh/scenarios.ftl"),
                ),
            ],
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that is not one simnet speaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language `{}`: expected `en` or `zh`", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// `en` or `zh`, any case; `zh-CN`, `zh-Hans` and `en-US` too.
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        let lower = s.to_ascii_lowercase();
        match lower.split(['-', '_']).next() {
            Some("en") => Ok(Lang::En),
            Some("zh") => Ok(Lang::Zh),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

/// A problem in a shipped catalogue file (found by the tests, never by a
/// user: the files are compiled in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueError {
    /// The file, such as `zh/events.ftl`.
    pub file: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "locales/{}: {}", self.file, self.message)
    }
}

/// One language's messages, with English behind it for anything missing.
pub struct Catalogue {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    fallback: Option<Box<Catalogue>>,
    errors: Vec<CatalogueError>,
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Catalogue({})", self.lang)
    }
}

impl Catalogue {
    /// The catalogue of `lang`.
    pub fn new(lang: Lang) -> Catalogue {
        let mut catalogue = Catalogue::alone(lang);
        if lang != Lang::En {
            catalogue.fallback = Some(Box::new(Catalogue::alone(Lang::En)));
        }
        catalogue
    }

    fn alone(lang: Lang) -> Catalogue {
        let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new(vec![id]);
        // Terminal and HTML text, not bidirectional text: no isolation marks
        // around each placeable.
        bundle.set_use_isolating(false);
        let mut errors = Vec::new();
        for &(file, text) in lang.sources() {
            // A file with a syntax error still gives its good entries.
            let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, es)| {
                for e in es {
                    errors.push(CatalogueError {
                        file,
                        message: format!("syntax error: {e:?}"),
                    });
                }
                r
            });
            if let Err(es) = bundle.add_resource(resource) {
                for e in es {
                    errors.push(CatalogueError {
                        file,
                        message: format!("{e}"),
                    });
                }
            }
        }
        Catalogue {
            lang,
            bundle,
            fallback: None,
            errors,
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether this language itself (not its fallback) has message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle
            .get_message(id)
            .is_some_and(|m| m.value().is_some())
    }

    /// Problems found loading the files (syntax errors, entries given
    /// twice); empty for a good catalogue.
    pub fn errors(&self) -> &[CatalogueError] {
        &self.errors
    }

    /// Message `id` with `args`; English if this language lacks it, and
    /// `[id]` if English does too.
    pub fn text(&self, id: &str, args: &Args) -> String {
        self.lookup(id, Some(args))
            .unwrap_or_else(|| format!("[{id}]"))
    }

    /// Message `id` without arguments.
    pub fn plain(&self, id: &str) -> String {
        self.lookup(id, None).unwrap_or_else(|| format!("[{id}]"))
    }

    /// Message `id`, or `None` if neither this language nor English has it.
    pub fn lookup(&self, id: &str, args: Option<&Args>) -> Option<String> {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return self.fallback.as_ref().and_then(|f| f.lookup(id, args));
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        Some(text.into_owned())
    }

    /// Every message id this language itself has, in file order.
    pub fn ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for &(_, text) in self.lang.sources() {
            let resource = match FluentResource::try_new(text.to_string()) {
                Ok(r) | Err((r, _)) => r,
            };
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.push(m.id.name.to_string());
                }
            }
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_catalogue_loads_without_errors() {
        for lang in Lang::ALL {
            let c = Catalogue::new(lang);
            assert_eq!(c.errors(), &[], "{lang}");
        }
    }

    #[test]
    fn languages_parse_from_their_codes_and_nothing_else() {
        assert_eq!("zh".parse(), Ok(Lang::Zh));
        assert_eq!("zh-CN".parse(), Ok(Lang::Zh));
        assert_eq!("EN".parse(), Ok(Lang::En));
        assert_eq!("fr".parse::<Lang>(), Err(UnknownLang("fr".to_string())));
    }

    #[test]
    fn a_missing_message_falls_back_to_english_then_to_its_id() {
        let zh = Catalogue::new(Lang::Zh);
        assert_eq!(zh.plain("no-such-message"), "[no-such-message]");
        assert!(!zh.has("no-such-message"));
    }

    #[test]
    fn every_message_in_one_language_is_in_the_other() {
        let en = Catalogue::new(Lang::En);
        let zh = Catalogue::new(Lang::Zh);
        for id in en.ids() {
            assert!(zh.has(&id), "zh lacks `{id}`, which en has");
        }
        for id in zh.ids() {
            assert!(en.has(&id), "en lacks `{id}`, which zh has");
        }
    }
}
