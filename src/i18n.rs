//! English and Japanese text for every message Mamori shows.
//!
//! One catalogue per language (`assets/i18n/en.json`, `assets/i18n/ja.json`), a flat map from
//! message key to template, compiled in by `build.rs` as one string and the byte ranges of its
//! entries sorted by key (nothing is parsed at run time). Templates name their arguments in
//! braces (`{path}`); a test checks that both catalogues have the same keys and the same
//! arguments for each key. Errors in this crate implement [`Localize`], so the shells can print
//! them in the user's language.

/// The compiled catalogues, `EN` and `JA` (see `build.rs`).
mod tables {
    include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));
}

/// A language Mamori speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Picks the language from a POSIX locale name such as `ja_JP.UTF-8` or `en_US`.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let locale = locale.trim();
        if locale.is_empty() {
            return None;
        }
        let lower = locale.to_ascii_lowercase();
        if lower.starts_with("ja") {
            Some(Lang::Ja)
        } else {
            Some(Lang::En)
        }
    }

    /// The language of the environment: the first non-empty of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG`, as POSIX orders them; when none is set (the usual case on Windows and macOS),
    /// the system's own language setting (the user's locale on Windows, the preferred
    /// languages on macOS, through `sys-locale`); English when there is none.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find_map(|value| Lang::from_locale(&value))
            .or_else(|| sys_locale::get_locale().and_then(|l| Lang::from_locale(&l)))
            .unwrap_or_default()
    }

    /// Parses `en` or `ja` (as given to `--lang`).
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::En),
            "ja" | "jp" | "japanese" | "日本語" => Some(Lang::Ja),
            _ => None,
        }
    }
}

/// Something that can be shown to a person in either language.
pub trait Localize {
    /// The text in `lang`.
    fn localize(&self, lang: Lang) -> String;
}

/// Implements `Display` (the English text) and `std::error::Error` for error types that
/// implement [`Localize`], so every error prints the same way.
#[macro_export]
macro_rules! localized_error {
    ($($error:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&$crate::i18n::Localize::localize(self, $crate::i18n::Lang::En))
            }
        }

        impl ::std::error::Error for $error {}
    )+};
}

/// The messages of one language: every key and template in one string, and their byte ranges
/// in it sorted by key (see `build.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Catalogue {
    text: &'static str,
    ranges: &'static [[u32; 4]],
}

impl Catalogue {
    /// The text between two of the generated offsets.
    fn slice(self, start: u32, end: u32) -> &'static str {
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The key and template of one entry.
    fn entry(self, [key_start, key_end, start, end]: [u32; 4]) -> (&'static str, &'static str) {
        (self.slice(key_start, key_end), self.slice(start, end))
    }

    /// The template of `key`, if the catalogue has it.
    pub fn get(self, key: &str) -> Option<&'static str> {
        self.ranges
            .binary_search_by(|&[start, end, ..]| self.slice(start, end).cmp(key))
            .ok()
            .map(|i| self.entry(self.ranges[i]).1)
    }

    /// Whether the catalogue has `key`.
    pub fn contains_key(self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Every `(key, template)`, by key.
    pub fn iter(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        self.ranges.iter().map(move |&range| self.entry(range))
    }

    /// Every key, sorted.
    pub fn keys(self) -> impl Iterator<Item = &'static str> {
        self.iter().map(|(key, _)| key)
    }

    /// How many messages it has.
    pub fn len(self) -> usize {
        self.ranges.len()
    }

    /// Whether it has none.
    pub fn is_empty(self) -> bool {
        self.ranges.is_empty()
    }
}

/// The catalogue of one language.
pub fn catalogue(lang: Lang) -> Catalogue {
    match lang {
        Lang::En => Catalogue {
            text: tables::EN_TEXT,
            ranges: &tables::EN,
        },
        Lang::Ja => Catalogue {
            text: tables::JA_TEXT,
            ranges: &tables::JA,
        },
    }
}

/// The message `key` in `lang` with each `{name}` replaced by its value from `args`.
///
/// A key missing from the catalogue comes back as the key itself, so a gap is visible but never
/// fatal; `tests` in this module make sure no key is missing.
pub fn tr(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let template = catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::En).get(key))
        .unwrap_or(key);
    fill(template, args)
}

/// Replaces each `{name}` in `template` with the matching argument.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        match args.iter().find(|(arg, _)| *arg == name) {
            Some((_, value)) => {
                let value = value.to_string();
                // A Japanese message inserted mid-sentence keeps its own 。 only where the
                // template does not close the sentence or the bracket itself: 「{reason}。」
                // and 「（{detail}）」 never print 「。。」 or 「。）」.
                let closes = after[end + 1..].starts_with(['。', '）', '、']);
                match value.strip_suffix('。') {
                    Some(stripped) if closes => out.push_str(stripped),
                    _ => out.push_str(&value),
                }
            }
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// `items` as one list in running text: 「a、b、c」 in Japanese, "a, b, c" in English.
pub fn join_list<T: std::fmt::Display>(lang: Lang, items: impl IntoIterator<Item = T>) -> String {
    let separator = match lang {
        Lang::En => ", ",
        Lang::Ja => "、",
    };
    items
        .into_iter()
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(separator)
}

/// Two messages shown one after the other as one paragraph. English separates them with a
/// space; Japanese with nothing, after closing the first with 。 if it has no full stop (a
/// space after 。 is an English habit).
pub fn sentences(lang: Lang, first: &str, second: &str) -> String {
    let first = first.trim_end();
    if first.is_empty() {
        return second.to_string();
    }
    if second.is_empty() {
        return first.to_string();
    }
    match lang {
        Lang::En => format!("{first} {second}"),
        Lang::Ja if first.ends_with(['。', '？', '！']) => format!("{first}{second}"),
        Lang::Ja => format!("{first}。{second}"),
    }
}

/// An operating-system error as a person reads it in `lang`. English keeps the system's own
/// text ("No such file or directory (os error 2)"); Japanese says the common cases with a
/// catalogue phrase (`os-error-*`) and keeps the system's English only in parentheses, so
/// no English sentence lands in the middle of a Japanese one.
pub fn os_error(lang: Lang, error: &std::io::Error) -> String {
    os_error_text(lang, error.kind(), &error.to_string())
}

/// [`os_error`] for an error kept as its kind and its English text.
pub fn os_error_text(lang: Lang, kind: std::io::ErrorKind, text: &str) -> String {
    use std::io::ErrorKind;
    if lang == Lang::En {
        return text.to_string();
    }
    let key = match kind {
        ErrorKind::NotFound => "os-error-not-found",
        ErrorKind::PermissionDenied => "os-error-permission-denied",
        ErrorKind::AlreadyExists => "os-error-already-exists",
        ErrorKind::IsADirectory => "os-error-is-a-directory",
        ErrorKind::NotADirectory => "os-error-not-a-directory",
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "os-error-storage-full",
        ErrorKind::ReadOnlyFilesystem => "os-error-read-only",
        ErrorKind::DirectoryNotEmpty => "os-error-directory-not-empty",
        ErrorKind::ResourceBusy => "os-error-busy",
        ErrorKind::InvalidData => "os-error-invalid-data",
        ErrorKind::UnexpectedEof => "os-error-unexpected-eof",
        ErrorKind::TimedOut => "os-error-timed-out",
        ErrorKind::Interrupted => "os-error-interrupted",
        _ => "os-error-other",
    };
    tr(lang, key, &[("detail", &text)])
}

/// The `{name}` placeholders of a template, sorted.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        names.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod japanese_style;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_messages_name_no_command_or_flag() {
        // Advice that names a command comes from the shell (`crate::advice`): the window shows
        // these messages too. Keys of the shells (`cli-`, `gui-`, `help-`, `doctor-`) may.
        for lang in [Lang::En, Lang::Ja] {
            for (key, text) in catalogue(lang).iter() {
                if ["cli-", "gui-", "help-", "doctor-"]
                    .iter()
                    .any(|shell| key.starts_with(shell))
                {
                    continue;
                }
                let names_flag = text
                    .split_whitespace()
                    .any(|word| word.trim_start_matches(['(', '（']).starts_with("--"));
                assert!(
                    !text.contains("`mamori") && !names_flag,
                    "{key} ({lang:?}) names a command: {text}"
                );
            }
        }
    }

    #[test]
    fn both_catalogues_have_the_same_keys_and_arguments() {
        let en = catalogue(Lang::En);
        let ja = catalogue(Lang::Ja);
        assert!(
            en.len() > 50,
            "English catalogue did not load: {} keys",
            en.len()
        );
        let mut missing = Vec::new();
        for (key, template) in en.iter() {
            match ja.get(key) {
                None => missing.push(format!("ja lacks {key}")),
                Some(ja_template) => assert_eq!(
                    placeholders(template),
                    placeholders(ja_template),
                    "arguments differ for {key}"
                ),
            }
        }
        for key in ja.keys() {
            if !en.contains_key(key) {
                missing.push(format!("en lacks {key}"));
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn japanese_text_is_japanese() {
        // A copied-but-untranslated entry would pass the key test; catch it here.
        for (key, template) in catalogue(Lang::Ja).iter() {
            let english = catalogue(Lang::En).get(key).unwrap_or_default();
            let words = fill(template, &[])
                .split(['{', '}'])
                .enumerate()
                // Odd pieces are placeholder names; even pieces are the text around them.
                .filter(|(i, _)| i % 2 == 0)
                .map(|(_, text)| text.chars().filter(char::is_ascii_alphabetic).count())
                .sum::<usize>();
            assert!(
                template != english || words == 0,
                "{key} is not translated: {template}"
            );
        }
    }

    #[test]
    fn lists_and_sentences_are_joined_as_each_language_writes_them() {
        let servers = ["a.ntp.org", "b.ntp.org"];
        assert_eq!(join_list(Lang::En, servers), "a.ntp.org, b.ntp.org");
        assert_eq!(join_list(Lang::Ja, servers), "a.ntp.org、b.ntp.org");
        assert_eq!(join_list(Lang::Ja, [1, 3]), "1、3");
        assert_eq!(join_list(Lang::Ja, Vec::<String>::new()), "");
        // The clock-no-answer message as a Japanese admin reads it.
        let text = tr(
            Lang::Ja,
            "clock-no-answer",
            &[("servers", &join_list(Lang::Ja, servers)), ("seconds", &3)],
        );
        assert!(
            text.contains("試したサーバー: a.ntp.org、b.ntp.org、最大 3 秒待機"),
            "{text}"
        );

        assert_eq!(sentences(Lang::En, "Saved.", "Undo?"), "Saved. Undo?");
        assert_eq!(
            sentences(Lang::Ja, "コピーしました。", "30 秒後に消去されます。"),
            "コピーしました。30 秒後に消去されます。"
        );
        assert_eq!(
            sentences(Lang::Ja, "保管庫がありません", "作成してください。"),
            "保管庫がありません。作成してください。"
        );
        assert_eq!(
            sentences(Lang::Ja, "", "作成してください。"),
            "作成してください。"
        );
    }

    #[test]
    fn a_full_stop_is_not_doubled_where_a_message_is_inserted() {
        let reason = "応答が要求と一致しません。";
        assert_eq!(
            fill("補正しません: {reason}。コードは…", &[("reason", &reason)]),
            "補正しません: 応答が要求と一致しません。コードは…"
        );
        assert_eq!(
            fill("開けません（{reason}）。", &[("reason", &reason)]),
            "開けません（応答が要求と一致しません）。"
        );
        // At the end of the template, or before other text, the value keeps its 。.
        assert_eq!(
            fill("理由: {reason}", &[("reason", &reason)]),
            "理由: 応答が要求と一致しません。"
        );
        assert_eq!(fill("{a}. b", &[("a", &"x.")]), "x.. b");
    }

    #[test]
    fn system_errors_are_told_in_japanese_with_the_system_text_in_parentheses() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let english = missing.to_string();
        assert_eq!(os_error(Lang::En, &missing), english);
        let japanese = os_error(Lang::Ja, &missing);
        assert_eq!(
            japanese,
            format!("ファイルまたはフォルダーが見つかりません（{english}）。")
        );
        let denied = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "Access is denied.");
        assert_eq!(
            os_error(Lang::Ja, &denied),
            "アクセスが拒否されました（Access is denied.）。"
        );
        let odd = std::io::Error::other("strange");
        assert_eq!(
            os_error(Lang::Ja, &odd),
            "システムのエラーです（strange）。"
        );
        // In a sentence, as `mamori backup-codes --add-file` prints it.
        let text = tr(
            Lang::Ja,
            "cli-read-failed",
            &[
                ("path", &"codes.txt"),
                ("reason", &os_error(Lang::Ja, &missing)),
            ],
        );
        assert!(
            text.starts_with(
                "codes.txt を読み込めません: ファイルまたはフォルダーが見つかりません（"
            ),
            "{text}"
        );
        // Every kind mapped has its phrase in both catalogues.
        for (lang, key) in [Lang::En, Lang::Ja]
            .into_iter()
            .flat_map(|lang| catalogue(lang).keys().map(move |key| (lang, key)))
            .filter(|(_, key)| key.starts_with("os-error-"))
        {
            assert!(
                placeholders(catalogue(lang).get(key).unwrap_or_default()) == ["detail"],
                "{key} ({lang:?}) must show the system's text"
            );
        }
    }

    #[test]
    fn fill_replaces_named_arguments() {
        let text = fill("{a} and {b}, {missing}", &[("a", &1), ("b", &"two")]);
        assert_eq!(text, "1 and two, {missing}");
    }

    #[test]
    fn locale_names_pick_the_language() {
        assert_eq!(Lang::from_locale("ja_JP.UTF-8"), Some(Lang::Ja));
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C"), Some(Lang::En));
        assert_eq!(Lang::from_locale(""), None);
        assert_eq!(Lang::from_code("JA"), Some(Lang::Ja));
        assert_eq!(Lang::from_code("fr"), None);
    }
}
