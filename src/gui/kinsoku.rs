//! Japanese line breaking (kinsoku shori) for wrapped labels: no row starts with a small kana,
//! the long-vowel mark, the middle dot, a closing bracket or punctuation, and none ends with an
//! opening bracket.
//!
//! epaint (0.37) allows a break after a kana or kanji only when the next character may start a
//! row, but a break before any kana or kanji after anything at all, and small kana, ー and ・
//! are kana: 「保管庫ファイル」 wraps as 「保管庫フ」/「ァイル」. Nor does it keep an opening
//! bracket with what follows. No character inserted into the text prevents that (a word joiner
//! is one more glyph before the kana, and epaint breaks after it the same way; see the tests),
//! so [`layout`] lets epaint wrap, then moves each break that lands on a forbidden place back
//! to the nearest allowed one with a `\n` (oidashi, pushing out) and lays the text out again.
//! A break that splits a clause moves back the same way to just after a 、 or 。 a few
//! characters before it (`docs/japanese-style.md` §4).

use std::sync::Arc;

use egui::epaint::text::{FontsView, Galley, LayoutJob};
use egui::{Direction, FontSelection, TextWrapMode};

/// `ui.label(text)` with Japanese wrapped by [`layout`]. egui's own label where nothing can
/// change: text without Japanese, text that does not wrap, and text continuing after another
/// widget in a wrapping horizontal layout. The label's text gains a `\n` at each moved break.
pub fn label(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    let text = text.into();
    let placement = ui.layout();
    let after_widget = placement.main_dir() == Direction::LeftToRight && placement.main_wrap();
    let width = ui.available_width();
    if !has_japanese(text.text())
        || ui.wrap_mode() != TextWrapMode::Wrap
        || after_widget
        || !width.is_finite()
    {
        return ui.label(text);
    }
    // The job egui's label makes (`Label::layout_in_ui`).
    let mut job = Arc::unwrap_or_clone(text.into_layout_job(
        ui.style(),
        FontSelection::Default,
        ui.text_valign(),
    ));
    job.wrap.max_width = width;
    job.halign = placement.horizontal_placement();
    job.justify = placement.horizontal_justify();
    let galley = ui.fonts_mut(|fonts| layout(fonts, job));
    ui.label(galley)
}

/// `ui.checkbox(checked, text)` with Japanese wrapped by [`layout`] beside the box.
pub fn checkbox(
    ui: &mut egui::Ui,
    checked: &mut bool,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    match beside_icon(ui, text.into()) {
        Ok(galley) => ui.checkbox(checked, galley),
        Err(text) => ui.checkbox(checked, text),
    }
}

/// `ui.radio_value(current, alternative, text)` with Japanese wrapped by [`layout`].
pub fn radio_value<Value: PartialEq>(
    ui: &mut egui::Ui,
    current: &mut Value,
    alternative: Value,
    text: impl Into<egui::WidgetText>,
) -> egui::Response {
    match beside_icon(ui, text.into()) {
        Ok(galley) => ui.radio_value(current, alternative, galley),
        Err(text) => ui.radio_value(current, alternative, text),
    }
}

/// The text of a checkbox or radio button laid out by [`layout`] in the width left beside
/// its icon, or the text untouched where [`label`] would leave it to egui.
fn beside_icon(ui: &egui::Ui, text: egui::WidgetText) -> Result<Arc<Galley>, egui::WidgetText> {
    let placement = ui.layout();
    let after_widget = placement.main_dir() == Direction::LeftToRight && placement.main_wrap();
    let spacing = ui.spacing();
    // The icon, the gap after it, and a little room for rounding.
    let width = ui.available_width() - spacing.icon_width - spacing.icon_spacing - 2.0;
    if !has_japanese(text.text())
        || ui.wrap_mode() != TextWrapMode::Wrap
        || after_widget
        || !width.is_finite()
        || width <= 0.0
    {
        return Err(text);
    }
    let mut job = Arc::unwrap_or_clone(text.into_layout_job(
        ui.style(),
        FontSelection::Style(egui::TextStyle::Button),
        ui.text_valign(),
    ));
    job.wrap.max_width = width;
    Ok(ui.fonts_mut(|fonts| layout(fonts, job)))
}

/// Lays `job` out like `fonts.layout_job(job)`, then pushes every row break that would start a
/// row with a character of [`no_row_start`] or end one with a character of [`no_row_end`] back
/// to the nearest allowed break in the row before, with a `\n` in the text. A row with no
/// allowed break keeps epaint's. Text without Japanese is laid out once, untouched.
pub fn layout(fonts: &mut FontsView<'_>, job: LayoutJob) -> Arc<Galley> {
    let checked = job.break_on_newline && has_japanese(&job.text);
    let mut galley = fonts.layout_job(job);
    if !checked {
        return galley;
    }
    // Rows before `row` are final: a `\n` only changes the rows after it.
    let mut row = 1;
    while row < galley.rows.len() {
        if let Some(byte) = pushed_out_break(&galley, row) {
            let mut job = (*galley.job).clone();
            insert_newline(&mut job, byte);
            galley = fonts.layout_job(job);
        }
        row += 1;
    }
    galley
}

/// How many characters a break may move back to land just after a 、 or 。 (and at most a
/// quarter of the row): a clause kept whole reads better, a ragged edge does not.
const CLAUSE_REACH: usize = 4;

/// Where `row` of `galley` should start instead (a byte offset in the text): if its break is
/// forbidden, the last allowed break in the row before, leaving it at least one character;
/// if it splits a clause, just after a 、 or 。 at most [`CLAUSE_REACH`] characters back; if
/// it would leave a paragraph's last row one character (and its closing marks), the nearest
/// allowed break before, as far back. `None` if the break is fine where it is, was a `\n`, or
/// has nowhere to go.
fn pushed_out_break(galley: &Galley, row: usize) -> Option<usize> {
    let before = galley.rows.get(row.checked_sub(1)?)?;
    let after = galley.rows.get(row)?;
    if before.ends_with_newline {
        return None;
    }
    let last = before.glyphs.last()?.chr;
    let first = after.glyphs.first()?.chr;
    let forbidden = no_row_start(first) || no_row_end(last);
    let mid_clause = is_japanese(last) && is_japanese(first) && !ends_clause(last);
    // A paragraph's last row holding a single character and its closing marks (「す。」).
    let ends_paragraph = after.ends_with_newline || row + 1 == galley.rows.len();
    let lone_last = ends_paragraph
        && is_japanese(first)
        && after.glyphs.iter().filter(|g| !no_row_start(g.chr)).count() < 2;
    if !forbidden && !mid_clause && !lone_last {
        return None;
    }
    // One glyph per character, and a `\n` ends a row without a glyph.
    let start: usize = galley.rows[..row - 1]
        .iter()
        .map(|r| r.glyphs.len() + usize::from(r.ends_with_newline))
        .sum();
    let end = start + before.glyphs.len();
    let chars: Vec<(usize, char)> = galley.job.text.char_indices().collect();
    // Should epaint ever lay out a character as no glyph or several, leave the text alone.
    if chars.get(end - 1).map(|&(_, c)| c) != Some(last)
        || chars.get(end).map(|&(_, c)| c) != Some(first)
    {
        return None;
    }
    if !forbidden {
        let reach = CLAUSE_REACH.min(before.glyphs.len() / 4);
        let within_reach = || (end - reach..end).rev().filter(|&i| i > start);
        let after_clause = within_reach()
            .filter(|_| mid_clause)
            .find(|&i| ends_clause(chars[i - 1].1) && may_break(chars[i - 1].1, chars[i].1));
        // Else a lone last character takes the one before it down (the nearest allowed break:
        // the character that moves may start a row, so the row then holds two).
        let with_company = || {
            within_reach()
                .filter(|_| lone_last)
                .find(|&i| may_break(chars[i - 1].1, chars[i].1))
        };
        return after_clause.or_else(with_company).map(|i| chars[i].0);
    }
    (start + 1..end)
        .rev()
        .find(|&i| may_break(chars[i - 1].1, chars[i].1))
        .map(|i| chars[i].0)
}

/// The Japanese comma and full stop, after which a row break reads best.
fn ends_clause(c: char) -> bool {
    matches!(c, '、' | '。' | '､' | '｡')
}

/// Inserts a `\n` at `byte` of the job's text, in the section of the character before it.
fn insert_newline(job: &mut LayoutJob, byte: usize) {
    job.text.insert(byte, '\n');
    for section in &mut job.sections {
        let range = &mut section.byte_range;
        if range.start.0 >= byte {
            range.start += 1;
        }
        if range.end.0 >= byte {
            range.end += 1;
        }
    }
}

/// Whether a row may end with `before` and the next start with `after`: not against
/// [`no_row_start`] or [`no_row_end`], and after a space or next to Japanese (not inside a
/// Latin word or a number, nor before a space, which epaint keeps at the end of a row).
fn may_break(before: char, after: char) -> bool {
    if no_row_end(before) || no_row_start(after) || breaking_space(after) {
        return false;
    }
    breaking_space(before) || is_japanese(before) || is_japanese(after)
}

/// Whitespace epaint breaks after (all but the no-break spaces).
fn breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// Characters a row must not start with (JIS X 4051's closing brackets, hyphens, dividing and
/// middle punctuation, full stops and commas, iteration marks, the long-vowel mark, small kana
/// and postfix units), in full, half and ASCII width.
fn no_row_start(c: char) -> bool {
    matches!(
        c,
        // Small kana (and the small katakana for Ainu), full and half width.
        'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' | 'ゕ' | 'ゖ'
            | 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' | 'ヵ' | 'ヶ'
            | '\u{31F0}'..='\u{31FF}'
            | 'ｧ'..='ｯ'
            // The long-vowel mark, iteration marks and the middle dot.
            | 'ー' | 'ｰ' | 'ゝ' | 'ゞ' | 'ヽ' | 'ヾ' | '々' | '〻' | '・' | '･'
            // Full stops and commas.
            | '、' | '。' | '，' | '．' | '､' | '｡' | ',' | '.'
            // Closing brackets and quotes.
            | '）' | '」' | '』' | '】' | '〕' | '〉' | '》' | '〙' | '〗' | '〟' | '］' | '｝'
            | '｠' | '｣' | ')' | ']' | '}' | '”' | '’' | '»'
            // Dividing punctuation, ellipses, hyphens and dashes.
            | '！' | '？' | '：' | '；' | '!' | '?' | ':' | ';' | '‼' | '⁇' | '⁈' | '⁉'
            | '…' | '‥' | '‐' | '゠' | '–' | '〜' | '～'
            // Units written after a number.
            | '%' | '％' | '‰' | '°' | '′' | '″' | '℃'
    )
}

/// Characters a row must not end with: opening brackets and quotes, and currency signs written
/// before a number.
fn no_row_end(c: char) -> bool {
    matches!(
        c,
        // Opening brackets and quotes.
        '（' | '「' | '『' | '【' | '〔' | '〈' | '《' | '〘' | '〖' | '〝' | '［' | '｛' | '｟' | '｢'
            | '(' | '[' | '{' | '“' | '‘' | '«'
            // Currency signs.
            | '¥' | '￥' | '$' | '＄' | '£' | '￡' | '€'
    )
}

/// Kana, kanji and the CJK punctuation and full- and half-width forms that go with them.
fn is_japanese(c: char) -> bool {
    matches!(
        c,
        '\u{3000}'..='\u{30FF}'
            | '\u{31F0}'..='\u{31FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FF00}'..='\u{FFEF}'
    )
}

/// The forbidden breaks of `galley` (not at a `\n`), as "end of row/start of next": what the
/// tests look for in every text a screen paints.
#[cfg(test)]
pub(crate) fn forbidden_breaks(galley: &Galley) -> Vec<String> {
    galley
        .rows
        .windows(2)
        .filter(|pair| !pair[0].ends_with_newline)
        .filter_map(|pair| {
            let last = pair[0].glyphs.last()?.chr;
            let first = pair[1].glyphs.first()?.chr;
            (no_row_start(first) || no_row_end(last)).then(|| format!("{last}/{first}"))
        })
        .collect()
}

/// Whether `text` has anything [`layout`] might move a break around.
fn has_japanese(text: &str) -> bool {
    text.chars().any(is_japanese)
}

#[cfg(test)]
mod tests {
    use super::*;

    use egui::{Color32, FontId};

    /// Text of the window (`assets/i18n/ja.json`) and made-up sentences that put small kana, ー,
    /// ・, 」 and 。 at many places in the row.
    const TEXTS: &[&str] = &[
        "「保管庫ファイル」「保管庫ファイル」「保管庫ファイル」「保管庫ファイル」「保管庫ファイル」",
        "保管庫ファイルを開けませんでした。パスワードを確認してください。",
        "クリップボードに画像もテキストもありません。QR コードのスクリーンショット（PrintScreen や切り取りツール）を撮ってからやり直してください",
        "コードは「スクリーンショット・クリップボード・画像ファイル」から読み取れます。",
        "アカウント（ログイン用）を追加しました。「設定」を開いて、バックアップ・エクスポートを確認してください。",
        "ショートカット・キーボード・マウス・ウィンドウ・メニュー・ツールバー・ステータスバー。",
        "ちょっと待ってください……しゅっぱつしゃっきん、きゅうきょ、ぎょうじゃ。",
    ];

    /// A context with the window's fonts (`style::install`), ready for layout.
    fn context() -> egui::Context {
        let ctx = egui::Context::default();
        super::super::style::install(&ctx);
        ctx.run_ui(egui::RawInput::default(), |_| {})
            .drop_without_applying_deltas();
        ctx
    }

    fn job(text: &str, width: f32) -> LayoutJob {
        LayoutJob::simple(
            text.to_owned(),
            FontId::proportional(14.5),
            Color32::WHITE,
            width,
        )
    }

    /// The rows of `galley` as text.
    fn rows(galley: &Galley) -> Vec<String> {
        galley
            .rows
            .iter()
            .map(|row| row.glyphs.iter().map(|glyph| glyph.chr).collect())
            .collect()
    }

    /// The widths the texts are wrapped at: from four characters (ニュー・ cannot be split) to a
    /// label's.
    fn widths() -> impl Iterator<Item = f32> {
        (60..=300).step_by(3).map(|w| w as f32)
    }

    #[test]
    fn epaint_alone_breaks_before_small_kana_and_after_opening_brackets() {
        // What this module is for; should this start failing, epaint has learnt kinsoku.
        let ctx = context();
        let mut found = Vec::new();
        for text in TEXTS {
            for width in widths() {
                let galley = ctx.fonts_mut(|fonts| fonts.layout_job(job(text, width)));
                found.extend(forbidden_breaks(&galley));
            }
        }
        let small_kana = ['ァ', 'ィ', 'ッ', 'ャ', 'ュ', 'ョ'];
        assert!(
            found.iter().any(|pair| pair.ends_with(small_kana)),
            "{found:?}"
        );
        assert!(found.iter().any(|pair| pair.ends_with('ー')), "{found:?}");
        assert!(found.iter().any(|pair| pair.ends_with('・')), "{found:?}");
        assert!(
            found.iter().any(|pair| pair.starts_with(['「', '（'])),
            "{found:?}"
        );
    }

    #[test]
    fn a_word_joiner_does_not_keep_a_small_kana_on_its_row() {
        // Why `layout` inserts `\n`s: U+2060 between フ and ァ is laid out as a glyph of its own,
        // and epaint breaks after it before the ァ as readily as after the フ.
        let ctx = context();
        let text = "保管庫フ\u{2060}ァイル".repeat(6);
        let starts_with_small_a = widths().any(|width| {
            let galley = ctx.fonts_mut(|fonts| fonts.layout_job(job(&text, width)));
            rows(&galley)
                .iter()
                .any(|row| row.trim_start_matches('\u{2060}').starts_with('ァ'))
        });
        assert!(starts_with_small_a);
    }

    #[test]
    fn no_row_starts_with_a_small_kana_or_closing_mark_or_ends_with_an_opening_bracket() {
        let ctx = context();
        for text in TEXTS {
            for width in widths() {
                let galley = ctx.fonts_mut(|fonts| layout(fonts, job(text, width)));
                assert_eq!(
                    forbidden_breaks(&galley),
                    Vec::<String>::new(),
                    "{text} at {width}: {:?}",
                    rows(&galley)
                );
                // Only `\n`s were added, and every row still fits (epaint allows half a point
                // over: `LayoutJob::effective_wrap_width`).
                assert_eq!(galley.job.text.replace('\n', ""), *text);
                let widest = galley.rows.iter().map(|row| row.size.x).fold(0.0, f32::max);
                assert!(
                    widest <= width + 0.5,
                    "{text} at {width}: {:?}",
                    rows(&galley)
                );
            }
        }
    }

    #[test]
    fn a_break_moves_back_to_the_character_before() {
        let ctx = context();
        let text = "「保管庫ファイル」".repeat(5);
        for width in widths() {
            let galley = ctx.fonts_mut(|fonts| layout(fonts, job(&text, width)));
            for row in rows(&galley) {
                // Only ever pushed out as far as needed: ファ, イル」 and 「保 stay together.
                assert!(!row.starts_with('ァ') && !row.starts_with('」'), "{row}");
                assert!(!row.ends_with('「'), "{row}");
            }
        }
        // Five characters wide, 「保管庫ファ would wrap before its ァ: ファ goes down together.
        let five = ctx.fonts_mut(|fonts| fonts.glyph_width(&FontId::proportional(14.5), '保'));
        let galley = ctx.fonts_mut(|fonts| layout(fonts, job(&text, five * 5.5)));
        let rows = rows(&galley);
        assert_eq!(rows[0], "「保管庫", "{rows:?}");
        assert!(rows[1].starts_with("ファ"), "{rows:?}");
    }

    #[test]
    fn the_label_paints_the_pushed_out_text() {
        let ctx = context();
        let text = "「保管庫ファイル」".repeat(5);
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(90.0, 600.0),
            )),
            ..Default::default()
        };
        let output = ctx.run_ui(input, |ui| {
            label(ui, text.as_str());
        });
        let galleys: Vec<Arc<Galley>> = output
            .shapes
            .iter()
            .filter_map(|clipped| match &clipped.shape {
                egui::Shape::Text(shape) => Some(Arc::clone(&shape.galley)),
                _ => None,
            })
            .collect();
        output.drop_without_applying_deltas();
        let [galley] = galleys.as_slice() else {
            panic!("{} galleys painted", galleys.len());
        };
        assert!(galley.rows.len() > 5, "{:?}", rows(galley));
        assert!(galley.job.text.contains('\n'), "{:?}", rows(galley));
        assert_eq!(forbidden_breaks(galley), Vec::<String>::new());
    }

    #[test]
    fn a_break_a_few_characters_after_a_comma_moves_back_to_it() {
        let ctx = context();
        let text = "保管庫のパスワードを入力し、キーを表示します。コードは、サービスの確認画面に入力してください。";
        let mut moved = 0;
        for width in widths() {
            let galley = ctx.fonts_mut(|fonts| layout(fonts, job(text, width)));
            let rows = rows(&galley);
            assert_eq!(forbidden_breaks(&galley), Vec::<String>::new(), "{rows:?}");
            for (pair, row) in galley.rows.windows(2).zip(&rows) {
                if pair[0].ends_with_newline {
                    moved += usize::from(row.ends_with(['、', '。']));
                    continue;
                }
                // Epaint's break stayed: no 、 or 。 within reach before it.
                let chars: Vec<char> = row.chars().collect();
                let reach = CLAUSE_REACH.min(chars.len() / 4);
                let tail = match reach {
                    0 => &[][..],
                    _ => &chars[chars.len() - reach - 1..chars.len() - 1],
                };
                assert!(
                    !tail.iter().copied().any(ends_clause) || row.ends_with(['、', '。']),
                    "{text} at {width}: {rows:?}"
                );
            }
        }
        assert!(moved > 0, "no break was ever moved to a comma");
        // Never further than the reach: a long clause still fills its row.
        let galley = ctx.fonts_mut(|fonts| layout(fonts, job(text, 150.0)));
        let rows = rows(&galley);
        let widest = rows.iter().map(|r| r.chars().count()).max().unwrap_or(0);
        assert!(
            rows.iter()
                .rev()
                .skip(1)
                .all(|r| r.chars().count() + CLAUSE_REACH >= widest),
            "{rows:?}"
        );
    }

    #[test]
    fn a_paragraph_never_ends_with_a_row_of_one_character() {
        // The no-password warning once ended 「…追加できま」/「す。」.
        let ctx = context();
        let text = "パスワードがないと、保管庫ファイルをコピーした人は誰でもキーを読み取れます。パスワードは後から「設定」で追加できます。";
        let mut lone = 0;
        for width in widths().chain((300..=460).step_by(2).map(|w| w as f32)) {
            let plain = ctx.fonts_mut(|fonts| fonts.layout_job(job(text, width)));
            let galley = ctx.fonts_mut(|fonts| layout(fonts, job(text, width)));
            let last_row = |galley: &Galley| {
                let row = &galley.rows[galley.rows.len() - 1];
                row.glyphs.iter().filter(|g| !no_row_start(g.chr)).count()
            };
            lone += usize::from(plain.rows.len() > 1 && last_row(&plain) < 2);
            let rows = rows(&galley);
            assert!(
                galley.rows.len() == 1 || last_row(&galley) >= 2,
                "{width}: {rows:?}"
            );
            assert_eq!(forbidden_breaks(&galley), Vec::<String>::new(), "{rows:?}");
            assert_eq!(galley.job.text.replace('\n', ""), text);
        }
        assert!(lone > 0, "epaint alone never left a character on its own");
    }

    #[test]
    fn checkboxes_and_radio_buttons_wrap_by_the_same_rules() {
        let ctx = context();
        let text = "「保管庫ファイル」".repeat(5);
        let mut moved = 0;
        for width in widths().map(|w| w + 40.0) {
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(
                    egui::Pos2::ZERO,
                    egui::vec2(width, 600.0),
                )),
                ..Default::default()
            };
            let output = ctx.run_ui(input, |ui| {
                checkbox(ui, &mut true, text.as_str());
                radio_value(ui, &mut 1, 1, text.as_str());
            });
            let galleys: Vec<Arc<Galley>> = output
                .shapes
                .iter()
                .filter_map(|clipped| match &clipped.shape {
                    egui::Shape::Text(shape) => Some(Arc::clone(&shape.galley)),
                    _ => None,
                })
                .collect();
            output.drop_without_applying_deltas();
            assert_eq!(galleys.len(), 2, "at {width}");
            for galley in galleys {
                assert!(galley.rows.len() > 1, "{:?}", rows(&galley));
                assert_eq!(forbidden_breaks(&galley), Vec::<String>::new());
                assert!(galley.rect.width() <= width, "{:?} at {width}", galley.rect);
                // Laid out here, not by egui: breaks were moved.
                moved += usize::from(galley.job.text.contains('\n'));
            }
        }
        assert!(moved > 0);
    }

    #[test]
    fn a_break_with_nowhere_to_go_stays_where_epaint_put_it() {
        // Three characters wide, ニュー・ has no allowed break: it is split as epaint splits it.
        let ctx = context();
        let text = "メニュー・ツールバー";
        let galley = ctx.fonts_mut(|fonts| layout(fonts, job(text, 45.0)));
        let rows = rows(&galley);
        assert_eq!(rows[..3], ["メ", "ニュー", "・ツー"], "{rows:?}");
    }

    #[test]
    fn text_without_japanese_or_without_forbidden_breaks_is_left_alone() {
        let ctx = context();
        let english = "The vault file could not be opened (wrong password?). Try again.";
        let galley = ctx.fonts_mut(|fonts| layout(fonts, job(english, 60.0)));
        assert_eq!(galley.job.text, english);
        let wide = ctx.fonts_mut(|fonts| layout(fonts, job(TEXTS[1], 1000.0)));
        assert_eq!(wide.job.text, TEXTS[1]);
    }

    #[test]
    fn sections_keep_their_text_around_an_inserted_newline() {
        let mut job = LayoutJob::default();
        // Two sections of different colours (`append` merges alike ones).
        job.append("保管庫フ", 0.0, egui::TextFormat::default());
        let red = egui::TextFormat {
            color: Color32::RED,
            ..Default::default()
        };
        job.append("ァイル", 0.0, red);
        insert_newline(&mut job, "保管".len());
        let texts: Vec<&str> = job
            .sections
            .iter()
            .map(|section| &job.text[section.byte_range.start.0..section.byte_range.end.0])
            .collect();
        assert_eq!(texts, ["保管\n庫フ", "ァイル"]);
        insert_newline(&mut job, "保管\n庫フ".len());
        let texts: Vec<&str> = job
            .sections
            .iter()
            .map(|section| &job.text[section.byte_range.start.0..section.byte_range.end.0])
            .collect();
        assert_eq!(texts, ["保管\n庫フ\n", "ァイル"]);
    }

    #[test]
    fn breaks_are_allowed_next_to_japanese_and_after_spaces_only() {
        assert!(may_break('庫', 'フ'));
        assert!(!may_break('フ', 'ァ'));
        assert!(!may_break('ト', 'ー'));
        assert!(!may_break('「', '保'));
        assert!(!may_break('ル', '」'));
        assert!(may_break('」', '「'));
        assert!(may_break(' ', 'Q'));
        assert!(!may_break('Q', 'R'));
        assert!(may_break('R', 'コ'));
        assert!(!may_break('R', ' '));
        assert!(!may_break('\u{A0}', 'a'));
    }
}
