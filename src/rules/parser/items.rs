//! Fields, `{ … }` blocks, the items of a rule (`when`, `test`, `expect`),
//! and the top-level items of a file: `pack`, `import`, `term`, `rule`.

use nom::Parser;
use nom::branch::alt;
use nom::character::complete::char;
use nom::combinator::{opt, recognize};
use nom::multi::separated_list0;

use super::lex::{ident, is_ident_start, skip_seps, skip_ws};
use super::recover::{OrExpect, PErr, Res, Sync, backtrack, fatal, syntax};
use super::{MAX_DEPTH, Reader};
use crate::rules::ast::{
    Applies, Expect, Field, FieldValue, File, Item, PackDecl, RuleDef, Span, Spanned, Stmt,
    TermDef, TestCase, TestKind, TestSource, When,
};

pub(super) const TOP_HELP: &str = "a rule file holds `pack`, `import`, `term` and `rule` items";
const STMT_HELP: &str =
    "a block holds `in`, `require`, `forbid`, `reference`, `anchor` and `include boilerplate`";
const RULE_ITEM_HELP: &str = "a rule holds fields (`severity error`), `when`, `applies`, `test` and the \
                              statements `in`, `require`, `forbid`, `reference`, `anchor`, \
                              `include boilerplate`";
const VALUE_HELP: &str =
    "a value is a string \"…\", a word, a date YYYY-MM-DD or a list [a, \"b\"]";

impl<'a> Reader<'a> {
    // ----- fields -----

    /// `key value`
    fn field(&self, i: &'a str) -> Res<'a, Field> {
        let i = skip_ws(i);
        let (after_key, key) = recognize((ident, opt((char('.'), ident)))).parse(i)?;
        let key = Spanned::new(key.to_string(), self.off(i)..self.off(after_key));
        let (rest, value) = self.value(after_key, &key.node)?;
        let span = key.span.start..value.span().end;
        Ok((rest, Field { key, value, span }))
    }

    /// `string [ "/" string ] | date | list | ident`
    fn value(&self, i: &'a str, key: &str) -> Res<'a, FieldValue> {
        let message = format!("expected a value after `{key}`");
        match skip_ws(i).chars().next() {
            Some('"') => self.text(i),
            Some('[') => self.list(i),
            Some(c) if c.is_ascii_digit() => self
                .date(i)
                .map(|(r, s)| (r, FieldValue::Date(s)))
                .or_expect(self, i, &message, VALUE_HELP),
            Some(c) if is_ident_start(c) && !self.keyword_on_next_line(i) => {
                self.name(i).map(|(r, s)| (r, FieldValue::Word(s)))
            }
            _ => Err(self.expected(i, &message, VALUE_HELP)),
        }
    }

    /// `"ja"` or `"ja" / "en"`: the `/ "en"` part may be on the next line.
    fn text(&self, i: &'a str) -> Res<'a, FieldValue> {
        let (i, ja) = self.string(i)?;
        let Ok((j, _)) = self.punct(i, "/") else {
            return Ok((i, FieldValue::Str(ja)));
        };
        let (rest, en) = self.string(j).or_expect(
            self,
            j,
            "expected an English text after `/`",
            "write the Japanese and the English text as `\"日本語\" / \"English\"`",
        )?;
        Ok((rest, FieldValue::Pair(ja, en)))
    }

    /// `[a, "b", appi/x]`, an optional trailing comma.
    fn list(&self, i: &'a str) -> Res<'a, FieldValue> {
        let (i, open) = self.punct(i, "[")?;
        let item = |i: &'a str| -> Res<'a, Spanned<String>> {
            match skip_ws(i).chars().next() {
                Some('"') => self.string(i),
                _ => self.rule_id(i),
            }
        };
        let (i, items) = separated_list0(|i| self.punct(i, ","), item).parse(i)?;
        let (i, _) = opt(|i| self.punct(i, ",")).parse(i)?;
        let (rest, close) = self.punct(i, "]").or_expect(
            self,
            i,
            "expected `]` to close the list",
            "list items are words or strings separated by `,`, like `[a, \"b\"]`",
        )?;
        Ok((rest, FieldValue::List(items, open.start..close.end)))
    }

    // ----- blocks -----

    /// Reports a block whose `}` never came: `at` is where the next item
    /// starts, or `None` at the end of the file.
    fn unclosed(&self, open: &Span, what: &str, at: Option<usize>) {
        let e = syntax(
            open.clone(),
            format!("expected `}}` to close {what}"),
            "this `{` is never closed",
        )
        .with_help(format!("add `}}` at the end of {what}"));
        let e = match at {
            Some(at) => {
                let word = ident(self.rest(at)).map_or("", |(_, w)| w);
                e.with_related(at..at + word.len(), "the next item starts here")
            }
            None => {
                let end = self.src.trim_end().len();
                e.with_related(end..end, "the file ends here")
            }
        };
        self.push(e);
    }

    /// Reads `{` for a block at nesting level `depth`.
    pub(super) fn open_block(
        &self,
        i: &'a str,
        depth: usize,
        message: &str,
        help: &str,
    ) -> Res<'a, Span> {
        let (rest, open) = self.punct(i, "{").or_expect(self, i, message, help)?;
        if depth > MAX_DEPTH {
            return fatal(
                syntax(
                    open,
                    "nested too deeply",
                    format!("this block is {depth} levels deep"),
                )
                .with_help(format!(
                    "blocks nest at most {MAX_DEPTH} levels deep; split the rule"
                )),
            );
        }
        Ok((rest, open))
    }

    /// The items of a block whose `{` (at `open`) has been read, up to its
    /// `}`: returns the input after the `}` and the `}`'s end. `item` reads
    /// one item; after an error, reading goes on at the next line.
    pub(super) fn block(
        &self,
        mut i: &'a str,
        open: &Span,
        what: &str,
        seps: &[char],
        item: &mut dyn FnMut(&'a str) -> Res<'a, ()>,
    ) -> Res<'a, usize> {
        loop {
            let j = skip_seps(i, seps);
            let at = self.off(j);
            if j.is_empty() {
                self.unclosed(open, what, None);
                return Err(nom::Err::Failure(PErr::Cut(at)));
            }
            if let Some(rest) = j.strip_prefix('}') {
                return Ok((rest, at + 1));
            }
            if self.top_item_at(at) {
                self.unclosed(open, what, Some(at));
                return Err(nom::Err::Failure(PErr::Cut(at)));
            }
            let error = match item(j) {
                Ok((rest, ())) if rest.len() < j.len() => {
                    i = rest;
                    continue;
                }
                Ok(_) | Err(nom::Err::Error(_) | nom::Err::Incomplete(_)) => {
                    self.unexpected(j, STMT_HELP)
                }
                Err(nom::Err::Failure(PErr::Stmt(e))) => *e,
                Err(nom::Err::Failure(PErr::Backtrack)) => self.unexpected(j, STMT_HELP),
                Err(e) => return Err(e),
            };
            let next = self.sync(at, Sync::Stmt, error.span.start);
            self.push(error);
            // Recovery always moves on; should it not, skip one char.
            let step = j.chars().next().map_or(1, char::len_utf8);
            i = self.rest(next.max(at + step));
        }
    }

    /// A statement in a nested block, with an error for anything else.
    pub(super) fn block_stmt(&self, j: &'a str, depth: usize, body: &mut Vec<Stmt>) -> Res<'a, ()> {
        match self.stmt(j, depth) {
            Ok((rest, s)) => {
                body.push(s);
                Ok((rest, ()))
            }
            Err(nom::Err::Error(_)) => {
                let (span, label, _) = self.found(j);
                let e = match self.peek_word(j) {
                    Some(w @ ("when" | "applies" | "test" | "expect")) => syntax(
                        span,
                        format!("`{w}` must be at the top level of a rule"),
                        label,
                    )
                    .with_help(format!("move `{w}` out of the block, into the rule itself")),
                    _ => syntax(span, "expected a statement", label)
                        .with_help(format!("{STMT_HELP}; fields go at the top of the rule")),
                };
                fatal(e)
            }
            Err(e) => Err(e),
        }
    }

    // ----- rule-level items -----

    /// `when mentions EXPR [unless in EXPR]`
    fn when(&self, i: &'a str) -> Res<'a, When> {
        let (i, kw) = self.kw(i, "when")?;
        let (i, _) = self.kw(i, "mentions").or_expect(
            self,
            i,
            "expected `mentions` after `when`",
            "write `when mentions PATTERN [unless in PATTERN]`",
        )?;
        let (i, mentions) = self.expr_after(i, "`when mentions`")?;
        let (rest, unless_in) = match self.kw(i, "unless") {
            Ok((j, _)) => {
                let (j, _) = self.kw(j, "in").or_expect(
                    self,
                    j,
                    "expected `in` after `unless`",
                    "write `unless in PATTERN`",
                )?;
                let (j, e) = self.expr_after(j, "`unless in`")?;
                (j, Some(e))
            }
            Err(_) => (i, None),
        };
        let end = unless_in.as_ref().unwrap_or(&mentions).span().end;
        Ok((
            rest,
            When {
                mentions,
                unless_in,
                span: kw.start..end,
            },
        ))
    }

    /// `FACET = V | V`: the facet and its values (names are checked when
    /// the rule compiles).
    pub(super) fn facet_values(
        &self,
        i: &'a str,
        what: &str,
    ) -> Res<'a, (Spanned<String>, Vec<Spanned<String>>)> {
        const HELP: &str = "write `FACET = VALUE | VALUE`, like `operator = juridical | unknown`";
        let (i, facet) =
            self.name(i)
                .or_expect(self, i, &format!("expected a facet after `{what}`"), HELP)?;
        let (i, _) = self.punct(i, "=").or_expect(
            self,
            i,
            &format!("expected `=` after the facet `{}`", facet.node),
            HELP,
        )?;
        let (mut i, first) = self
            .name(i)
            .or_expect(self, i, "expected a value after `=`", HELP)?;
        let mut values = vec![first];
        while let Ok((j, _)) = self.punct(i, "|") {
            let (j, v) = self
                .name(j)
                .or_expect(self, j, "expected a value after `|`", HELP)?;
            values.push(v);
            i = j;
        }
        Ok((i, (facet, values)))
    }

    /// `applies FACET = V | V [-> SEVERITY]`
    fn applies(&self, i: &'a str) -> Res<'a, Applies> {
        let (i, kw) = self.kw(i, "applies")?;
        let (i, (facet, values)) = self.facet_values(i, "applies")?;
        let mut end = values.last().map_or(facet.span.end, |v| v.span.end);
        let (rest, cap) = match self.punct(i, "->") {
            Ok((j, _)) => {
                let (j, sev) = self.name(j).or_expect(
                    self,
                    j,
                    "expected a severity after `->`",
                    "write `-> warning` or `-> info`",
                )?;
                end = sev.span.end;
                (j, Some(sev))
            }
            Err(_) => (i, None),
        };
        Ok((
            rest,
            Applies {
                facet,
                values,
                cap,
                span: kw.start..end,
            },
        ))
    }

    /// `test pass|fail ("text" | file "path") [format WORD] expect*`
    fn test(&self, i: &'a str) -> Res<'a, TestCase> {
        let (i, kw) = self.kw(i, "test")?;
        let (i, kind) = alt((
            |i| {
                self.kw(i, "pass")
                    .map(|(r, s)| (r, Spanned::new(TestKind::Pass, s)))
            },
            |i| {
                self.kw(i, "fail")
                    .map(|(r, s)| (r, Spanned::new(TestKind::Fail, s)))
            },
        ))
        .parse(i)
        .or_expect(
            self,
            i,
            "expected `pass` or `fail` after `test`",
            "write `test pass \"…\"` or `test fail \"…\"`",
        )?;
        let (i, source) = match self.kw(i, "file") {
            Ok((j, _)) => {
                let (j, path) = self.string(j).or_expect(
                    self,
                    j,
                    "expected a path string after `file`",
                    "write `file \"cases/bad.md\"`",
                )?;
                (j, TestSource::File(path))
            }
            Err(_) => {
                let (j, text) = self.string(i).or_expect(
                    self,
                    i,
                    "expected the test text after the test kind",
                    "write the text as a string \"…\" or \"\"\"…\"\"\", or `file \"path\"`",
                )?;
                (j, TestSource::Inline(text))
            }
        };
        let mut end = match &source {
            TestSource::Inline(s) | TestSource::File(s) => s.span.end,
        };
        let (mut i, format) = match self.kw(i, "format") {
            Ok((j, _)) => {
                let (j, f) = self.name(j).or_expect(
                    self,
                    j,
                    "expected a format after `format`",
                    "write `format markdown`, `format html` or `format text`",
                )?;
                end = f.span.end;
                (j, Some(f))
            }
            Err(_) => (i, None),
        };
        let mut with = Vec::new();
        if let Ok((j, _)) = self.kw(i, "with") {
            let mut j = j;
            loop {
                let (k, (facet, mut values)) = self.facet_values(j, "with")?;
                let value = values.remove(0);
                end = value.span.end;
                if let Some(extra) = values.first() {
                    self.push(
                        syntax(
                            extra.span.clone(),
                            "a test case is checked in one context",
                            "a second value",
                        )
                        .with_help("give each facet one value: `with operator = individual`"),
                    );
                }
                with.push((facet, value));
                j = k;
                match self.punct(j, ",") {
                    Ok((k, _)) => j = k,
                    Err(_) => break,
                }
            }
            i = j;
        }
        let mut expects = Vec::new();
        loop {
            let j = skip_seps(i, &[';']);
            if self.peek_word(j) != Some("expect") {
                break;
            }
            let (j, e) = self.expect(j)?;
            end = e.span.end;
            expects.push(e);
            i = j;
        }
        Ok((
            i,
            TestCase {
                kind,
                source,
                format,
                with,
                expects,
                span: kw.start..end,
            },
        ))
    }

    /// `expect [missing [a, b]] [at LINE:COL]`
    fn expect(&self, i: &'a str) -> Res<'a, Expect> {
        let (i, kw) = self.kw(i, "expect")?;
        let mut end = kw.end;
        let (i, missing) = match self.kw(i, "missing") {
            Ok((j, _)) => {
                let (j, _) = self.punct(j, "[").or_expect(
                    self,
                    j,
                    "expected `[` after `missing`",
                    "write `missing [element, …]`",
                )?;
                let (j, names) =
                    separated_list0(|i| self.punct(i, ","), |i| self.name(i)).parse(j)?;
                let (j, _) = opt(|i| self.punct(i, ",")).parse(j)?;
                let (j, close) = self.punct(j, "]").or_expect(
                    self,
                    j,
                    "expected `]` to close the list of missing elements",
                    "write element names separated by `,`, like `missing [items, controller]`",
                )?;
                end = close.end;
                (j, Some(names))
            }
            Err(_) => (i, None),
        };
        let (rest, at) = match self.kw(i, "at") {
            Ok((j, _)) => {
                const HELP: &str = "write the position as LINE:COLUMN, like `at 3:1`";
                let (j, line) =
                    self.int(j)
                        .or_expect(self, j, "expected a line number after `at`", HELP)?;
                let (j, _) = self.punct(j, ":").or_expect(
                    self,
                    j,
                    "expected `:` after the line number",
                    HELP,
                )?;
                let (j, col) =
                    self.int(j)
                        .or_expect(self, j, "expected a column number after `:`", HELP)?;
                end = col.span.end;
                let span = line.span.start..col.span.end;
                (j, Some(Spanned::new((line.node, col.node), span)))
            }
            Err(_) => (i, None),
        };
        Ok((
            rest,
            Expect {
                missing,
                at,
                span: kw.start..end,
            },
        ))
    }

    /// One item of a rule body, added to `rule`.
    fn rule_item(&self, j: &'a str, rule: &mut RuleDef) -> Res<'a, ()> {
        match self.peek_word(j) {
            Some("when") => {
                let (rest, w) = self.when(j)?;
                match &rule.when {
                    Some(first) => self.push(
                        syntax(
                            w.span.clone(),
                            "a rule has one `when`",
                            "second `when` here",
                        )
                        .with_help("join the patterns with `|` in one `when`")
                        .with_related(first.span.clone(), "first `when` here"),
                    ),
                    None => rule.when = Some(w),
                }
                Ok((rest, ()))
            }
            Some("applies") => {
                let (rest, a) = self.applies(j)?;
                rule.applies.push(a);
                Ok((rest, ()))
            }
            Some("test") => {
                let (rest, t) = self.test(j)?;
                rule.tests.push(t);
                Ok((rest, ()))
            }
            Some("expect") => {
                let (span, label, _) = self.found(j);
                fatal(
                    syntax(span, "`expect` must follow a `test`", label)
                        .with_help("put each `expect` right after the `test` it belongs to"),
                )
            }
            Some(_) => match self.stmt(j, 1) {
                Ok((rest, s)) => {
                    rule.body.push(s);
                    Ok((rest, ()))
                }
                Err(nom::Err::Error(_)) => {
                    let (rest, f) = self.field(j)?;
                    rule.fields.push(f);
                    Ok((rest, ()))
                }
                Err(e) => Err(e),
            },
            None => {
                let (span, label, _) = self.found(j);
                fatal(
                    syntax(span, "expected a field or a statement", label)
                        .with_help(RULE_ITEM_HELP),
                )
            }
        }
    }

    /// `rule ID { rule_item* }`
    fn rule(&self, i: &'a str) -> Res<'a, RuleDef> {
        let (i, kw) = self.kw(i, "rule")?;
        let (i, id) = self.rule_id(i).or_expect(
            self,
            i,
            "expected a rule id after `rule`",
            "a rule id is names joined by `/`, like `appi/joint-use`",
        )?;
        let (i, open) = self.punct(i, "{").or_expect(
            self,
            i,
            &format!("expected `{{` after the rule id `{}`", id.node),
            "write the rule's fields and statements between `{` and `}`",
        )?;
        let what = format!("the rule `{}`", id.node);
        let mut rule = RuleDef {
            id,
            fields: Vec::new(),
            when: None,
            applies: Vec::new(),
            body: Vec::new(),
            tests: Vec::new(),
            span: kw.start..open.end,
        };
        let mut last = open.end;
        let res = self.block(i, &open, &what, &[';'], &mut |j| {
            let (rest, ()) = self.rule_item(j, &mut rule)?;
            last = self.off(rest);
            Ok((rest, ()))
        });
        let (rest, end) = match res {
            Ok(done) => done,
            // Keep what was read of an unclosed rule.
            Err(nom::Err::Failure(PErr::Cut(at))) => (self.rest(at), last),
            Err(e) => return Err(e),
        };
        rule.span = kw.start..end;
        Ok((rest, rule))
    }

    // ----- top-level items -----

    /// `pack NAME { field* }`
    fn pack(&self, i: &'a str) -> Res<'a, PackDecl> {
        let (i, kw) = self.kw(i, "pack")?;
        let (i, name) = self.name(i).or_expect(
            self,
            i,
            "expected a pack name after `pack`",
            "write `pack NAME { title \"…\" }`",
        )?;
        let (i, open) = self.punct(i, "{").or_expect(
            self,
            i,
            "expected `{` after the pack name",
            "write the pack's fields between `{` and `}`",
        )?;
        let what = format!("the pack `{}`", name.node);
        let mut fields = Vec::new();
        let mut last = open.end;
        let res = self.block(i, &open, &what, &[';'], &mut |j| {
            let (rest, f) = self.field(j).or_expect(
                self,
                j,
                "expected a field",
                "a pack holds fields such as `title \"…\"`",
            )?;
            fields.push(f);
            last = self.off(rest);
            Ok((rest, ()))
        });
        let (rest, end) = match res {
            Ok(done) => done,
            Err(nom::Err::Failure(PErr::Cut(at))) => (self.rest(at), last),
            Err(e) => return Err(e),
        };
        Ok((
            rest,
            PackDecl {
                name,
                fields,
                span: kw.start..end,
            },
        ))
    }

    /// `term NAME = EXPR`
    fn term(&self, i: &'a str) -> Res<'a, TermDef> {
        const HELP: &str = "a term is written `term NAME = PATTERN`";
        let (i, kw) = self.kw(i, "term")?;
        let (i, name) =
            self.name(i)
                .or_expect(self, i, "expected a term name after `term`", HELP)?;
        let (i, _) =
            self.punct(i, "=")
                .or_expect(self, i, "expected `=` after the term name", HELP)?;
        let (rest, expr) = self.expr_after(i, "`=`")?;
        let span = kw.start..expr.span().end;
        Ok((rest, TermDef { name, expr, span }))
    }

    fn item(&self, i: &'a str) -> Res<'a, Item> {
        match self.peek_word(i) {
            Some("pack") => self.pack(i).map(|(r, p)| (r, Item::Pack(p))),
            Some("import") => {
                let (j, _) = self.kw(i, "import")?;
                let (rest, path) = self.string(j).or_expect(
                    self,
                    j,
                    "expected a path string after `import`",
                    "write `import \"common.rules\"`",
                )?;
                Ok((rest, Item::Import(path)))
            }
            Some("term") => self.term(i).map(|(r, t)| (r, Item::Term(t))),
            Some("rule") => self.rule(i).map(|(r, d)| (r, Item::Rule(d))),
            Some(w @ ("test" | "expect")) => {
                let (span, label, _) = self.found(i);
                fatal(
                    syntax(span, format!("`{w}` must come inside a rule"), label)
                        .with_help("put test cases at the end of the `rule { … }` they check"),
                )
            }
            _ => backtrack(),
        }
    }

    pub(super) fn file(&self) -> File {
        let mut items = Vec::new();
        let mut i = self.src;
        loop {
            let j = skip_seps(i, &[';']);
            if j.is_empty() {
                break;
            }
            let at = self.off(j);
            let next = match self.item(j) {
                Ok((rest, item)) => {
                    items.push(item);
                    rest
                }
                Err(nom::Err::Failure(PErr::Top(e, resume))) => {
                    self.push(*e);
                    self.rest(self.next_top_line(resume))
                }
                Err(nom::Err::Failure(PErr::Stmt(e))) => {
                    self.push(*e);
                    self.rest(self.sync(at, Sync::Top, at))
                }
                Err(nom::Err::Failure(PErr::Cut(resume))) => self.rest(resume),
                Err(_) => {
                    self.push(self.unexpected(j, TOP_HELP));
                    self.rest(self.sync(at, Sync::Top, at))
                }
            };
            // Every branch moves on; should one not, skip a char rather
            // than loop forever.
            i = if next.len() < j.len() {
                next
            } else {
                let step = j.chars().next().map_or(1, char::len_utf8);
                j.get(step..).unwrap_or("")
            };
        }
        File { items }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::ast::{FieldValue, Item, RuleDef};
    use crate::rules::parser::parse;

    fn rule(src: &str) -> RuleDef {
        let (file, errors) = parse(src);
        assert_eq!(errors, vec![], "unexpected errors");
        match file.items.into_iter().next() {
            Some(Item::Rule(r)) => r,
            other => panic!("expected a rule, got {other:?}"),
        }
    }

    /// The key and the texts of each field, with the source each value
    /// span covers.
    fn fields(src: &str) -> Vec<(String, Vec<String>, String)> {
        rule(src)
            .fields
            .iter()
            .map(|f| {
                let texts = match &f.value {
                    FieldValue::Str(s) => vec![s.node.clone()],
                    FieldValue::Pair(ja, en) => vec![ja.node.clone(), en.node.clone()],
                    other => panic!("a text value, got {other:?}"),
                };
                (f.key.node.clone(), texts, src[f.value.span()].to_string())
            })
            .collect()
    }

    #[test]
    fn a_text_in_both_languages_on_one_line_or_two() {
        let src = "rule a/b {\n  message \"{missing}がありません\" / \"{missing} missing\"\n  \
                   help \"直してください。\"\n    / \"Fix it.\"\n  title \"Demo\"\n}\n";
        assert_eq!(
            fields(src),
            [
                (
                    "message".to_string(),
                    vec![
                        "{missing}がありません".to_string(),
                        "{missing} missing".to_string()
                    ],
                    "\"{missing}がありません\" / \"{missing} missing\"".to_string()
                ),
                (
                    "help".to_string(),
                    vec!["直してください。".to_string(), "Fix it.".to_string()],
                    "\"直してください。\"\n    / \"Fix it.\"".to_string()
                ),
                (
                    "title".to_string(),
                    vec!["Demo".to_string()],
                    "\"Demo\"".to_string()
                ),
            ]
        );
    }

    #[test]
    fn triple_quoted_texts_on_either_side() {
        let src = "rule a/b {\n  help \"\"\"\n    一行目\n    二行目\n    \"\"\" / \"\"\"\n    \
                   line one\n    line two\n    \"\"\"\n  forbid-message \"短い\" / \"\"\"\n    \
                   long\n    \"\"\"\n}\n";
        let f = fields(src);
        assert_eq!(f[0].0, "help");
        assert_eq!(f[0].1, ["一行目\n二行目\n", "line one\nline two\n"]);
        assert_eq!(f[1].0, "forbid-message");
        assert_eq!(f[1].1, ["短い", "long\n"]);
    }

    #[test]
    fn suffixed_keys_still_read() {
        let src = "rule a/b {\n  message.ja \"日本語\"\n  message.en \"English\"\n}\n";
        let f = fields(src);
        assert_eq!(
            f.iter()
                .map(|(k, t, _)| (k.as_str(), t.join("|")))
                .collect::<Vec<_>>(),
            [
                ("message.ja", "日本語".to_string()),
                ("message.en", "English".to_string())
            ]
        );
    }

    #[test]
    fn a_slash_without_a_text_is_a_located_error() {
        let src = "rule a/b {\n  message \"日本語\" /\n  severity error\n}\n";
        let (_, errors) = parse(src);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].message, "expected an English text after `/`");
        // It points at the end of the line the `/` is on.
        let end = src.find(" /\n").map(|k| k + 2);
        assert_eq!(Some(errors[0].span.start), end);
        assert!(errors[0].span.is_empty());
        // On one line, at what came instead.
        let src = "rule a/b {\n  message \"日本語\" / severity\n}\n";
        let (_, errors) = parse(src);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(&src[errors[0].span.clone()], "severity");
    }
}
