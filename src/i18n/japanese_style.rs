//! The Japanese catalogue's terminology and house rules (`docs/japanese-style.md`), checked
//! on every template of `assets/i18n/ja.json`.

use super::{Lang, catalogue};

/// Words the catalogue once used beside the chosen term, with the term to write instead
/// (`docs/japanese-style.md` §1). Each is wrong wherever it appears.
const BANNED: &[(&str, &str)] = &[
    ("二段階認証", "2要素認証"),
    ("2段階認証", "2要素認証"),
    ("二要素認証", "2要素認証"),
    ("取り込", "インポート"),
    ("書き出", "エクスポート (a file) or 書き込み (a write)"),
    ("秘密鍵", "キー (秘密鍵 is a public-key private key)"),
    ("認証キー", "キー"),
    ("認証用のキー", "キー"),
    ("発行者", "サービス名"),
    ("移行コード", "移行用 QR コード"),
    ("移行 QR", "移行用 QR コード"),
    ("移行用コード", "移行用 QR コード"),
    ("キー URI", "otpauth:// URI"),
    ("リンク", "otpauth:// URI (it is not a clickable link)"),
    ("タイムサーバー", "時刻サーバー"),
    ("時計", "時刻"),
    ("キャプチャー", "キャプチャ"),
    ("メモリー", "メモリ"),
    ("リカバリー", "リカバリ"),
    ("復旧コード", "バックアップコード"),
    ("パスフレーズ", "パスワード"),
    ("パスワードの強さ", "パスワードの強度"),
    ("パスワードを削除", "パスワードを解除"),
    ("試行のみ", "--dry-run"),
    ("あなた", "(no pronoun: 所有者, ユーザー)"),
    ("手で", "手動で"),
    (
        "読めません",
        "読み込めません (files) or 読み取れません (QR codes, images)",
    ),
    ("切り取りツール", "Snipping Tool"),
];

/// Words banned only in the command line's text, where they have a second meaning.
const BANNED_IN_CLI: &[(&str, &str)] = &[("端末", "ターミナル (端末 is a device)")];

/// The text of a template that is Japanese prose: without `code spans` (commands the admin
/// copies keep their ASCII) and with each `{placeholder}` as a neutral `X`.
fn prose(template: &str) -> String {
    let mut out = String::new();
    for (i, piece) in template.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(piece);
        } else {
            out.push('C');
        }
    }
    let mut text = String::new();
    let mut rest = out.as_str();
    while let Some(start) = rest.find('{') {
        text.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                text.push('X');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    text.push_str(rest);
    text
}

fn japanese() -> Vec<(&'static str, &'static str)> {
    catalogue(Lang::Ja).iter().collect()
}

/// A house rule: what is wrong with a template (by key and text), if anything.
type Rule = fn(&str, &str) -> Option<String>;

/// Each problem as "key: what (text)", so one failure lists them all.
fn check(rule: impl Fn(&str, &str) -> Option<String>) -> Vec<String> {
    japanese()
        .into_iter()
        .filter_map(|(key, text)| rule(key, text).map(|why| format!("{key}: {why} ({text})")))
        .collect()
}

fn banned_term(key: &str, text: &str) -> Option<String> {
    let prose = prose(text);
    let shell = key.starts_with("cli-") || key.starts_with("help-");
    BANNED
        .iter()
        .chain(BANNED_IN_CLI.iter().filter(|_| shell))
        .find(|(word, _)| prose.contains(word))
        .map(|(word, instead)| format!("「{word}」: write {instead}"))
}

#[test]
fn one_term_for_each_concept() {
    let problems = check(banned_term);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_chosen_terms_are_the_ones_in_use() {
    // The table's choices appear (a rename of the catalogue that lost them shows here).
    let all: String = japanese().iter().map(|(_, text)| *text).collect();
    for term in [
        "2要素認証",
        "インポート",
        "エクスポート",
        "移行用 QR コード",
        "otpauth:// URI",
        "ターミナル",
        "サービス名",
        "時刻サーバー",
        "確認コード",
        "バックアップコード",
        "保管庫のパスワード",
    ] {
        assert!(all.contains(term), "no 「{term}」 in ja.json");
    }
    let problems = check(lower_case_id);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// ID in capitals, never the English lower-case id.
fn lower_case_id(_key: &str, text: &str) -> Option<String> {
    prose(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "id")
        .then(|| "「id」: write ID".to_string())
}

fn half_width_marks(_key: &str, text: &str) -> Option<String> {
    {
        let prose = prose(text);
        if prose.contains(['(', ')']) {
            return Some("ASCII ( ): write （）".into());
        }
        if prose.contains(['?', '!']) {
            return Some("ASCII ? or !: write ？ or ！".into());
        }
        if prose.contains(['"', '“', '”', '‘', '’']) {
            return Some("quotes: write 「」".into());
        }
        // An apostrophe inside a name (Kiss-o'-Death) is no quote.
        let quote = prose
            .char_indices()
            .any(|(i, c)| c == '\'' && !prose[..i].ends_with(|b: char| b.is_ascii_alphabetic()));
        quote.then(|| "ASCII '…': write 「…」".into())
    }
}

#[test]
fn brackets_and_question_marks_are_full_width_and_quotes_are_kagi() {
    let problems = check(half_width_marks);
    assert!(problems.is_empty(), "{problems:#?}");
}

fn dashes_and_commas(_key: &str, text: &str) -> Option<String> {
    {
        let prose = prose(text);
        if prose.contains(['—', '–', '―']) {
            return Some("a dash: end the sentence with 。 or use （）".into());
        }
        if prose.contains(", ") || prose.contains('，') {
            return Some("a comma: list with 、".into());
        }
        if prose.contains('·') {
            return Some("U+00B7: write ・".into());
        }
        None
    }
}

#[test]
fn no_dashes_and_lists_use_the_ideographic_comma() {
    let problems = check(dashes_and_commas);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Whether `prose` ends as a full sentence may not: after a colon (a label before its value
/// or list), a `[y/N]` prompt, or a placeholder on a line of its own (a list).
fn ends_open(prose: &str) -> bool {
    prose.ends_with([':', '：'])
        || prose.ends_with(": X")
        || prose.ends_with("[y/N]")
        || prose.ends_with("\nX")
}

fn unfinished_sentence(key: &str, text: &str) -> Option<String> {
    {
        let prose = prose(text);
        let prose = prose.trim_end();
        let finished = prose.ends_with(['。', '？', '！']) || ends_open(prose);
        if prose.contains('。') && !finished {
            return Some("a text with 。 must end with one".into());
        }
        // A headline or a checkbox's statement may be polite without a full stop.
        let heading = key.ends_with("-title") || key.ends_with("-accept");
        let polite = ["ます", "ません", "です", "ください", "でした", "ました"]
            .iter()
            .any(|end| prose.ends_with(end));
        (polite && !heading).then(|| "a polite sentence without 。".into())
    }
}

#[test]
fn every_sentence_ends_with_a_full_stop() {
    let problems = check(unfinished_sentence);
    assert!(problems.is_empty(), "{problems:#?}");
}

fn mixed_register(key: &str, text: &str) -> Option<String> {
    {
        let prose = prose(text);
        if key.starts_with("help-") {
            return ["です", "ます", "ください"]
                .iter()
                .find(|polite| prose.contains(*polite))
                .map(|polite| format!("「{polite}」 in command help (plain form)"));
        }
        // In messages each sentence ends in です/ます form (す, ん, い of ください, た of
        // ました) or with a noun, a value or a parenthesis, never with a plain verb.
        prose.split('。').rev().skip(1).find_map(|sentence| {
            let sentence = sentence.trim_end();
            let sentence = match sentence.strip_suffix('）') {
                Some(inner) => inner.rfind('（').map_or(sentence, |open| &inner[..open]),
                None => sentence,
            };
            let last = sentence.chars().last()?;
            let plain = matches!(last, 'る' | 'う' | 'く' | 'ぐ' | 'む' | 'ぶ' | 'つ' | 'だ');
            plain.then(|| format!("plain form in a message: 「…{sentence}。」"))
        })
    }
}

#[test]
fn help_text_is_plain_and_messages_are_polite() {
    let problems = check(mixed_register);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_checks_catch_what_they_are_for() {
    // Each rule on the review's own bad examples, so a rule that passes everything fails here.
    let bad: &[(Rule, &str, &str)] = &[
        (
            banned_term,
            "gui-welcome-intro",
            "二段階認証のキーを保管します。",
        ),
        (
            banned_term,
            "help-list",
            "アカウントを一覧表示する（秘密鍵は出さない）",
        ),
        (banned_term, "gui-import", "取り込み…"),
        (
            banned_term,
            "cli-confirm-needs-yes",
            "尋ねる端末がありません。",
        ),
        (
            lower_case_id,
            "cli-ambiguous",
            "絞り込むか id を指定してください。",
        ),
        (
            half_width_marks,
            "gui-delete-confirm",
            "削除しますか? 本当に",
        ),
        (
            half_width_marks,
            "gui-file-explain",
            "写真 (PNG) を開きます。",
        ),
        (
            half_width_marks,
            "cli-no-match",
            "'{query}' に一致しません。",
        ),
        (
            dashes_and_commas,
            "vault-wrong-password",
            "違います — 変更していません",
        ),
        (dashes_and_commas, "gui-file-explain", "（PNG, JPEG）"),
        (
            unfinished_sentence,
            "cli-add-duplicate",
            "あります。追加していません",
        ),
        (unfinished_sentence, "gui-key-copied", "コピーしました"),
        (mixed_register, "help-doctor", "調べます: 時刻"),
        (
            mixed_register,
            "gui-hotp-verify-note",
            "このコードは確認で使われる。",
        ),
    ];
    for (rule, key, text) in bad {
        assert!(rule(key, text).is_some(), "{key}: {text} passed");
    }
    // And the right forms pass.
    let good: &[(Rule, &str, &str)] = &[
        (banned_term, "gui-details", "他の端末への移行"),
        (
            half_width_marks,
            "clock-reject-kiss",
            "拒否しました（Kiss-o'-Death コード {code}）。",
        ),
        (
            half_width_marks,
            "cli-list-empty",
            "`mamori add --uri 'otpauth://…'` で追加してください。",
        ),
        (
            unfinished_sentence,
            "cli-remove-confirm",
            "削除しますか？ 元に戻せません。[y/N]",
        ),
        (
            unfinished_sentence,
            "cli-ambiguous",
            "指定してください。\n{list}",
        ),
        (
            unfinished_sentence,
            "gui-export-plain-accept",
            "エクスポートされることを理解しました",
        ),
        (
            mixed_register,
            "doctor-clock-ok",
            "時刻: ずれ {drift}（{server} と比較）。",
        ),
    ];
    for (rule, key, text) in good {
        assert_eq!(rule(key, text), None, "{key}: {text}");
    }
}
