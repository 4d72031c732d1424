//! Template code in pages as websites store them: `<?php … ?>`, `<?= … ?>`,
//! `<% … %>`, Jinja/Twig/Liquid `{% … %}` `{# … #}`, Smarty `{* … *}` and
//! `{$x}`/`{if …}`, Blade `@php … @endphp` and directives, `{{ … }}`
//! expressions. Code is not text: it is blanked before the page is parsed —
//! replaced by spaces of the same byte length, line breaks kept — so the
//! text around it keeps its exact spans. A translation call inside an
//! expression (`{{ $t('…') }}`, `{{ __('…') }}`) is visible text: its string
//! is kept.

use std::borrow::Cow;

/// Smarty's block words: `{if …}`, `{/if}` and the like are code.
const SMARTY: [&str; 12] = [
    "if",
    "else",
    "elseif",
    "foreach",
    "foreachelse",
    "include",
    "assign",
    "literal",
    "section",
    "block",
    "extends",
    "capture",
];

/// `text` with its template code blanked.
pub(crate) fn mask(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut regions: Vec<(usize, usize)> = Vec::new();
    let mut keep: Vec<(usize, usize)> = Vec::new();
    let mut i = memchr::memchr3(b'<', b'{', b'@', bytes).unwrap_or(bytes.len());
    while i < bytes.len() {
        let rest = &text[i..];
        let region = if rest.starts_with("<?") {
            Some(close(text, i, 2, "?>"))
        } else if rest.starts_with("<%") {
            Some(close(text, i, 2, "%>"))
        } else if rest.starts_with("{%") {
            Some(close(text, i, 2, "%}"))
        } else if rest.starts_with("{#") {
            Some(close(text, i, 2, "#}"))
        } else if rest.starts_with("{*") {
            Some(close(text, i, 2, "*}"))
        } else if rest.starts_with("{{") {
            let end = close(text, i, 2, "}}");
            keep.extend(translated(text, i, end));
            Some(end)
        } else if rest.starts_with("@php") && directive_start(bytes, i) {
            Some(close(text, i, 4, "@endphp"))
        } else if rest.starts_with('@') && directive_start(bytes, i) {
            blade(text, i)
        } else if rest.starts_with('{') {
            smarty(text, i)
        } else {
            None
        };
        match region {
            Some(end) if end > i => {
                regions.push((i, end));
                i = end;
            }
            // Code starts only at `<`, `{` or `@`: jump to the next one.
            _ => {
                i = memchr::memchr3(b'<', b'{', b'@', &bytes[i + 1..])
                    .map_or(bytes.len(), |k| i + 1 + k)
            }
        }
    }
    blank(text, &regions, &keep)
}

/// The end of a region opened at `i` (its opener `open` bytes long) and
/// closed by `closer`; the end of the text if it never closes.
fn close(text: &str, i: usize, open: usize, closer: &str) -> usize {
    text[i + open..]
        .find(closer)
        .map_or(text.len(), |k| i + open + k + closer.len())
}

/// Whether an `@` at `i` can start a Blade directive: at the start of a
/// line or after white space or `>` (never inside an e-mail address).
fn directive_start(bytes: &[u8], i: usize) -> bool {
    i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'>')
}

/// Blade's directives (not CSS at-rules such as `@media`, nor `@name`).
const BLADE: [&str; 58] = [
    "if",
    "elseif",
    "else",
    "endif",
    "unless",
    "endunless",
    "isset",
    "endisset",
    "empty",
    "endempty",
    "auth",
    "endauth",
    "guest",
    "endguest",
    "foreach",
    "endforeach",
    "forelse",
    "endforelse",
    "for",
    "endfor",
    "while",
    "endwhile",
    "switch",
    "case",
    "break",
    "default",
    "endswitch",
    "section",
    "endsection",
    "show",
    "yield",
    "extends",
    "include",
    "includeIf",
    "each",
    "csrf",
    "method",
    "push",
    "endpush",
    "stack",
    "lang",
    "component",
    "endcomponent",
    "slot",
    "endslot",
    "verbatim",
    "endverbatim",
    "json",
    "error",
    "enderror",
    "props",
    "once",
    "endonce",
    "can",
    "endcan",
    "env",
    "endenv",
    "continue",
];

/// A Blade directive at `i`: `@word`, with a balanced `( … )` if one follows.
fn blade(text: &str, i: usize) -> Option<usize> {
    let word = text[i + 1..]
        .find(|c: char| !c.is_ascii_alphabetic())
        .map_or(text.len() - i - 1, |k| k);
    if !BLADE.contains(&&text[i + 1..i + 1 + word]) {
        return None;
    }
    let mut end = i + 1 + word;
    if text[end..].starts_with('(') {
        let mut depth = 0usize;
        for (k, c) in text[end..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(end + k + 1);
                    }
                }
                '\n' if depth > 0 && k > 200 => return Some(end + k),
                _ => {}
            }
        }
        end = text.len();
    }
    Some(end)
}

/// A Smarty tag at `i`: `{$x…}`, `{/if}` or `{if …}` (`{` then a keyword).
fn smarty(text: &str, i: usize) -> Option<usize> {
    let inner = &text[i + 1..];
    let is_tag = inner.starts_with('$')
        || inner.starts_with('/')
        || SMARTY
            .iter()
            .any(|w| inner.starts_with(w) && inner[w.len()..].starts_with(['}', ' ']));
    if !is_tag {
        return None;
    }
    let end = inner.find(['}', '\n'])?;
    (inner.as_bytes()[end] == b'}').then_some(i + 1 + end + 1)
}

/// The strings of translation calls (`$t('…')`, `__("…")`, `trans('…')`)
/// inside the expression `text[start..end]`: visible text, kept.
fn translated(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let expr = &text[start..end];
    let mut out = Vec::new();
    for call in ["$t(", "__(", "trans(", "$tc("] {
        let mut from = 0;
        while let Some(k) = expr[from..].find(call) {
            let open = from + k + call.len();
            let Some(q) = expr[open..]
                .chars()
                .next()
                .filter(|c| *c == '\'' || *c == '"')
            else {
                from = open;
                continue;
            };
            let body = open + 1;
            if let Some(len) = expr[body..].find(q) {
                out.push((start + body, start + body + len));
                from = body + len + 1;
            } else {
                break;
            }
        }
    }
    out
}

/// `text` with `regions` blanked (line breaks kept), except the parts in
/// `keep`.
fn blank<'t>(text: &'t str, regions: &[(usize, usize)], keep: &[(usize, usize)]) -> Cow<'t, str> {
    if regions.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(s, e) in regions {
        out.push_str(&text[at..s]);
        for (k, c) in text[s..e].char_indices() {
            let pos = s + k;
            if keep.iter().any(|&(a, b)| a <= pos && pos < b) || c == '\n' || c == '\r' {
                out.push(c);
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        at = e;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(t: &str) -> String {
        let m = mask(t).into_owned();
        assert_eq!(m.len(), t.len(), "same length");
        m
    }

    #[test]
    fn php_blade_jinja_smarty_and_erb_are_blanked() {
        let t = "<html <?php language_attributes(); ?>><p>当社<?= $this->Html->name ?>は</p>";
        assert_eq!(
            masked(t).split_whitespace().collect::<String>(),
            "<html><p>当社は</p>"
        );
        let t = "@php $x = 1; @endphp\n<p>個人情報</p>\n@if($a)\n<p>窓口</p>\n@endif\n{{ $name }}";
        assert_eq!(
            masked(t).split_whitespace().collect::<Vec<_>>(),
            ["<p>個人情報</p>", "<p>窓口</p>"]
        );
        let t = "{% if x %}一{% endif %}{# c #}二{* c *}三{$x}四{if $y}五{/if}<% a %>六";
        assert_eq!(
            masked(t).split_whitespace().collect::<String>(),
            "一二三四五六"
        );
        // E-mail addresses, braces in prose and CSS at-rules are not Blade.
        let t = "privacy@example.jp {注} @ 窓口\n@media (max-width: 768px) {";
        assert_eq!(masked(t), t);
    }

    #[test]
    fn translation_strings_are_text_and_line_breaks_stay() {
        let t = "<p>{{ $t('個人情報の取扱い') }}</p>\n<?php\n echo 1;\n?>";
        let m = masked(t);
        assert!(m.contains("個人情報の取扱い") && !m.contains("$t"), "{m}");
        assert_eq!(m.matches('\n').count(), t.matches('\n').count());
    }
}
