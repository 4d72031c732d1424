//! Patterns (`"a" | /b/ | term`) and the statements of a block: `in`,
//! `require` and its elements, `forbid`, `reference`, `consistent`, `anchor`…

use nom::Parser;
use nom::branch::alt;
use nom::multi::many0;
use nom::sequence::preceded;

use super::Reader;
use super::lex::{is_ident_start, skip_ws};
use super::recover::{OrExpect, Res, backtrack, fatal, syntax};
use crate::rules::ast::{
    Anchor, Condition, Consistent, Element, Expr, Forbid, NodeScope, Reference, Require,
    RequireMode, Scope, ScopeBlock, Side, Spanned, Stmt,
};
use crate::rules::diagnostic::{RuleError, RuleErrorKind};

const PATTERN_HELP: &str = "a pattern is a string \"…\", a regex /…/ or a term name, joined by `|`, \
                            `then` or `except followed by`";
const SCOPE_HELP: &str = "a scope is one of: document, section(…), sections(…), section of …, paragraph, \
                          sentence, list-item, cell, near … within N";

impl<'a> Reader<'a> {
    // ----- patterns -----

    fn atom(&self, i: &'a str) -> Res<'a, Expr> {
        // `then` or `|` at the end of a line, and the next item begins.
        if self.keyword_on_next_line(i) {
            return backtrack();
        }
        match skip_ws(i).chars().next() {
            Some('"') => self.string(i).map(|(r, s)| (r, Expr::Literal(s))),
            Some('/') => self.regex(i).map(|(r, s)| (r, Expr::Regex(s))),
            Some('(') => {
                let (j, open) = self.punct(i, "(")?;
                let (j, inner) = self.expr_after(j, "`(`")?;
                let (rest, close) = self.punct(j, ")").or_expect(
                    self,
                    j,
                    "expected `)` to close the group",
                    "a group is `( pattern )`, like `(\"個人情報\" | \"個人データ\") then \"委託\"`",
                )?;
                // A group of alternatives spans its parentheses.
                let inner = match inner {
                    Expr::Alt(v, _) => Expr::Alt(v, open.start..close.end),
                    other => other,
                };
                Ok((rest, inner))
            }
            Some(c) if is_ident_start(c) => self.name(i).map(|(r, s)| (r, Expr::Ref(s))),
            _ => backtrack(),
        }
    }

    /// `atom { "except" ("followed" | "preceded") "by" atom }`. An element's
    /// own `except in …` / `except operator` is left to the element.
    fn unit(&self, i: &'a str) -> Res<'a, Expr> {
        let (mut i, mut e) = self.atom(i)?;
        while let Ok((j, _)) = self.kw(i, "except") {
            let side = match self.peek_word(j) {
                Some("followed") => Side::After,
                Some("preceded") => Side::Before,
                _ => break,
            };
            let (j, _) = self.kw(
                j,
                if side == Side::After {
                    "followed"
                } else {
                    "preceded"
                },
            )?;
            let (j, _) = self.kw(j, "by").or_expect(
                self,
                j,
                "expected `by`",
                "write `except followed by PATTERN` or `except preceded by PATTERN`",
            )?;
            let (j, by) =
                self.atom(j)
                    .or_expect(self, j, "expected a pattern after `by`", PATTERN_HELP)?;
            let span = e.span().start..by.span().end;
            e = Expr::Except {
                base: Box::new(e),
                side,
                by: Box::new(by),
                span,
            };
            i = j;
        }
        Ok((i, e))
    }

    /// `unit { "then" unit [ "within" int ] }`. A chain is built from the
    /// right, `a then (b then c)`: each part then looks for the nearest
    /// match of the whole rest, which finds a match wherever one exists.
    fn seq(&self, i: &'a str) -> Res<'a, Expr> {
        let (mut i, first) = self.unit(i)?;
        let mut parts = vec![(first, None)];
        while let Ok((j, _)) = self.kw(i, "then") {
            let (j, then) =
                self.unit(j)
                    .or_expect(self, j, "expected a pattern after `then`", PATTERN_HELP)?;
            let (j, within) = match self.kw(j, "within") {
                Ok((k, _)) => {
                    let (k, n) = self.int_after(k, "`within`")?;
                    (k, Some(n))
                }
                Err(_) => (j, None),
            };
            parts.push((then, within));
            i = j;
        }
        let Some((mut e, mut within)) = parts.pop() else {
            return backtrack();
        };
        let end = within
            .as_ref()
            .map_or(e.span().end, |n: &Spanned<u32>| n.span.end);
        while let Some((first, w)) = parts.pop() {
            let span = first.span().start..end;
            e = Expr::Seq {
                first: Box::new(first),
                then: Box::new(e),
                within,
                span,
            };
            within = w;
        }
        Ok((i, e))
    }

    /// `seq { "|" seq }`
    fn expr(&self, i: &'a str) -> Res<'a, Expr> {
        if self.keyword_on_next_line(i) {
            return backtrack();
        }
        let (i, first) = self.seq(i)?;
        let (i, more) = many0(preceded(
            |i| self.punct(i, "|"),
            |i| {
                self.seq(i)
                    .or_expect(self, i, "expected a pattern after `|`", PATTERN_HELP)
            },
        ))
        .parse(i)?;
        let Some(last) = more.last() else {
            return Ok((i, first));
        };
        let span = first.span().start..last.span().end;
        let mut all = vec![first];
        all.extend(more);
        Ok((i, Expr::Alt(all, span)))
    }

    /// A pattern that must be there, after `what`.
    pub(super) fn expr_after(&self, i: &'a str, what: &str) -> Res<'a, Expr> {
        self.expr(i).or_expect(
            self,
            i,
            &format!("expected a pattern after {what}"),
            PATTERN_HELP,
        )
    }

    fn int_after(&self, i: &'a str, what: &str) -> Res<'a, Spanned<u32>> {
        self.int(i).or_expect(
            self,
            i,
            &format!("expected a number after {what}"),
            "write a count of characters, like `100`",
        )
    }

    // ----- statements -----

    /// A statement in a block at nesting level `depth`.
    pub(super) fn stmt(&self, i: &'a str, depth: usize) -> Res<'a, Stmt> {
        match self.peek_word(i) {
            Some("in") => self.scope_block(i, depth).map(|(r, s)| (r, Stmt::Scope(s))),
            Some("require") => self.require(i, depth).map(|(r, s)| (r, Stmt::Require(s))),
            Some("forbid") => self.forbid(i).map(|(r, s)| (r, Stmt::Forbid(s))),
            Some("reference") => self.reference(i).map(|(r, s)| (r, Stmt::Reference(s))),
            Some("consistent") => {
                let (i, kw) = self.kw(i, "consistent")?;
                let (i, expr) = self.expr_after(i, "`consistent`")?;
                let (rest, ignoring) = match self.kw(i, "ignoring") {
                    Ok((j, _)) => {
                        let (j, e) = self.expr_after(j, "`ignoring`")?;
                        (j, Some(e))
                    }
                    Err(_) => (i, None),
                };
                let end = ignoring.as_ref().unwrap_or(&expr).span().end;
                let span = kw.start..end;
                Ok((
                    rest,
                    Stmt::Consistent(Consistent {
                        expr,
                        ignoring,
                        span,
                    }),
                ))
            }
            Some("anchor") => self.anchor(i).map(|(r, s)| (r, Stmt::Anchor(s))),
            Some("include") => {
                let (i, kw) = self.kw(i, "include")?;
                let (rest, word) = self.kw(i, "boilerplate").or_expect(
                    self,
                    i,
                    "expected `boilerplate` after `include`",
                    "write `include boilerplate` to also look in menus, headers and footers",
                )?;
                Ok((rest, Stmt::IncludeBoilerplate(kw.start..word.end)))
            }
            _ => backtrack(),
        }
    }

    /// `in SCOPE { stmt* }`
    fn scope_block(&self, i: &'a str, depth: usize) -> Res<'a, ScopeBlock> {
        let (i, kw) = self.kw(i, "in")?;
        let (i, scope) = self.scope(i)?;
        let (i, open) = self.open_block(
            i,
            depth + 1,
            "expected `{` after the scope",
            "write the statements of the scope between `{` and `}`",
        )?;
        let mut body = Vec::new();
        let (rest, end) = self.block(i, &open, "the `in` block", &[';'], &mut |j| {
            self.block_stmt(j, depth + 1, &mut body)
        })?;
        Ok((
            rest,
            ScopeBlock {
                scope,
                body,
                span: kw.start..end,
            },
        ))
    }

    fn scope(&self, i: &'a str) -> Res<'a, Scope> {
        let (after, word) =
            self.name(i)
                .or_expect(self, i, "expected a scope after `in`", SCOPE_HELP)?;
        let start = word.span.start;
        match word.node.as_str() {
            "document" => Ok((after, Scope::Document(word.span))),
            w @ ("section" | "sections") => {
                let together = w == "sections";
                if let (false, Ok((j, _))) = (together, self.kw(after, "of")) {
                    let (rest, of) = self.expr_after(j, "`section of`")?;
                    let span = start..of.span().end;
                    return Ok((rest, Scope::SectionOf { of, span }));
                }
                let mut end = word.span.end;
                let mut i = after;
                let mut heading = None;
                if let Ok((j, _)) = self.punct(i, "(") {
                    let (j, e) = self.expr_after(j, "`section(`")?;
                    let (j, close) = self.punct(j, ")").or_expect(
                        self,
                        j,
                        "expected `)` after the heading pattern",
                        "write `section(PATTERN)`",
                    )?;
                    heading = Some(e);
                    end = close.end;
                    i = j;
                }
                let mut or_document = false;
                if let Ok((j, _)) = self.kw(i, "or") {
                    let (j, doc) = self.kw(j, "document").or_expect(
                        self,
                        j,
                        "expected `document` after `or`",
                        "write `section(…) or document`",
                    )?;
                    or_document = true;
                    end = doc.end;
                    i = j;
                }
                let span = start..end;
                Ok((
                    i,
                    Scope::Section {
                        heading,
                        or_document,
                        together,
                        span,
                    },
                ))
            }
            "paragraph" | "sentence" | "list-item" | "cell" => {
                let kind = match word.node.as_str() {
                    "paragraph" => NodeScope::Paragraph,
                    "sentence" => NodeScope::Sentence,
                    "list-item" => NodeScope::ListItem,
                    _ => NodeScope::Cell,
                };
                let kind = Spanned::new(kind, word.span.clone());
                let (rest, with) = match self.kw(after, "with") {
                    Ok((j, _)) => {
                        let (j, e) = self.expr_after(j, "`with`")?;
                        (j, Some(e))
                    }
                    Err(_) => (after, None),
                };
                let end = with.as_ref().map_or(word.span.end, |e| e.span().end);
                Ok((
                    rest,
                    Scope::Node {
                        kind,
                        with,
                        span: start..end,
                    },
                ))
            }
            "near" => {
                match self.int(after) {
                    Ok((rest, chars)) => {
                        let span = start..chars.span.end;
                        return Ok((
                            rest,
                            Scope::Near {
                                of: None,
                                chars,
                                span,
                            },
                        ));
                    }
                    // Not a number: a pattern follows.
                    Err(nom::Err::Error(_)) => {}
                    Err(e) => return Err(e),
                }
                let (j, of) = self.expr(after).or_expect(
                    self,
                    after,
                    "expected a number or a pattern after `near`",
                    "write `near N` or `near PATTERN within N`",
                )?;
                let (j, _) = self.kw(j, "within").or_expect(
                    self,
                    j,
                    "expected `within` after the pattern",
                    "write `near PATTERN within N`",
                )?;
                let (rest, chars) = self.int_after(j, "`within`")?;
                let span = start..chars.span.end;
                Ok((
                    rest,
                    Scope::Near {
                        of: Some(of),
                        chars,
                        span,
                    },
                ))
            }
            other => fatal(
                RuleError::new(
                    RuleErrorKind::UnknownScope,
                    word.span.clone(),
                    format!("unknown scope `{other}`"),
                    "not a scope",
                )
                .with_help(SCOPE_HELP),
            ),
        }
    }

    /// `require (all | any | N of) { element* }` or `require element`.
    fn require(&self, i: &'a str, depth: usize) -> Res<'a, Require> {
        let (i, kw) = self.kw(i, "require")?;
        let mode = alt((
            |i| {
                self.kw(i, "all")
                    .map(|(r, s)| (r, Spanned::new(RequireMode::All, s)))
            },
            |i| {
                self.kw(i, "any")
                    .map(|(r, s)| (r, Spanned::new(RequireMode::Any, s)))
            },
        ))
        .parse(i);
        let (i, mode) = match mode {
            // `all` and `any` are also possible element names: a mode needs `{`.
            Ok((j, mode)) if self.punct(j, "{").is_ok() => (j, mode),
            _ => match self.int(i) {
                Ok((j, n)) => {
                    let (j, of) = self.kw(j, "of").or_expect(
                        self,
                        j,
                        "expected `of` after the number",
                        "write `require N of { … }`",
                    )?;
                    let span = n.span.start..of.end;
                    (j, Spanned::new(RequireMode::AtLeast(n.node), span))
                }
                Err(nom::Err::Error(_)) => {
                    let (rest, element) = self.element(i, depth).or_expect(
                        self,
                        i,
                        "expected an element or `all`, `any`, `N of` after `require`",
                        "write `require NAME = PATTERN` or `require all { … }`",
                    )?;
                    let span = kw.start..element.span.end;
                    let mode = Spanned::new(RequireMode::All, kw.clone());
                    return Ok((
                        rest,
                        Require {
                            mode,
                            elements: vec![element],
                            span,
                        },
                    ));
                }
                Err(e) => return Err(e),
            },
        };
        let (i, open) = self.open_block(
            i,
            depth + 1,
            "expected `{` after the mode of `require`",
            "write the elements between `{` and `}`",
        )?;
        let mut elements = Vec::new();
        let (rest, end) = self.block(i, &open, "the `require` block", &[',', ';'], &mut |j| {
            let (rest, e) = self.element(j, depth + 1).or_expect(
                self,
                j,
                "expected an element",
                "an element is written `NAME = PATTERN [as \"ja\" / \"en\"]`",
            )?;
            elements.push(e);
            Ok((rest, ()))
        })?;
        Ok((
            rest,
            Require {
                mode,
                elements,
                span: kw.start..end,
            },
        ))
    }

    /// `NAME = EXPR [as "ja" [/ "en"]] [{ stmt* }]` in a block at `depth`.
    fn element(&self, i: &'a str, depth: usize) -> Res<'a, Element> {
        let (i, name) = self.name(i)?;
        let (i, _) = self.punct(i, "=").or_expect(
            self,
            i,
            &format!("expected `=` after the element name `{}`", name.node),
            "an element is written `NAME = PATTERN`",
        )?;
        let (mut i, expr) = self.expr_after(i, "`=`")?;
        let mut end = expr.span().end;
        let mut except_in = None;
        let mut except_operator = false;
        while let Ok((j, kw)) = self.kw(i, "except") {
            if let Ok((k, op)) = self.kw(j, "operator") {
                end = op.end;
                except_operator = true;
                i = k;
                continue;
            }
            let (j, _) = self.kw(j, "in").or_expect(
                self,
                j,
                "expected `in` or `operator` after `except`",
                "write `except in PATTERN` or `except operator`",
            )?;
            let (j, x) = self.expr_after(j, "`except in`")?;
            end = x.span().end.max(kw.end);
            except_in = Some(x);
            i = j;
        }
        let (mut label_ja, mut label_en) = (None, None);
        if let Ok((j, _)) = self.kw(i, "as") {
            let (j, ja) = self.string(j).or_expect(
                self,
                j,
                "expected a label string after `as`",
                "write `as \"日本語\" / \"English\"`",
            )?;
            end = ja.span.end;
            label_ja = Some(ja);
            i = j;
            if let Ok((j, _)) = self.punct(i, "/") {
                let (j, en) = self.string(j).or_expect(
                    self,
                    j,
                    "expected an English label after `/`",
                    "write `as \"日本語\" / \"English\"`",
                )?;
                end = en.span.end;
                label_en = Some(en);
                i = j;
            }
        }
        let mut condition = None;
        if let Ok((j, kw)) = self.kw(i, "if") {
            let (j, (facet, values)) = self.facet_values(j, "if")?;
            end = values.last().map_or(facet.span.end, |v| v.span.end);
            condition = Some(Condition {
                span: kw.start..end,
                facet,
                values,
            });
            i = j;
        }
        let mut body = Vec::new();
        if self.punct(i, "{").is_ok() {
            let (j, open) = self.open_block(
                i,
                depth + 1,
                "expected `{` after the element",
                "write the element's statements between `{` and `}`",
            )?;
            let what = format!("the block of the element `{}`", name.node);
            let (j, close) = self.block(j, &open, &what, &[';'], &mut |k| {
                self.block_stmt(k, depth + 1, &mut body)
            })?;
            end = close;
            i = j;
        }
        let span = name.span.start..end;
        Ok((
            i,
            Element {
                name,
                expr,
                except_in,
                except_operator,
                label_ja,
                label_en,
                condition,
                body,
                span,
            },
        ))
    }

    /// `forbid EXPR [near EXPR within N]`
    fn forbid(&self, i: &'a str) -> Res<'a, Forbid> {
        let (i, kw) = self.kw(i, "forbid")?;
        let (i, expr) = self.expr_after(i, "`forbid`")?;
        let (rest, near) = match self.kw(i, "near") {
            Ok((j, _)) => {
                let (j, of) = self.expr_after(j, "`near`")?;
                let (j, _) = self.kw(j, "within").or_expect(
                    self,
                    j,
                    "expected `within` after the pattern",
                    "write `forbid PATTERN near PATTERN within N`",
                )?;
                let (j, n) = self.int_after(j, "`within`")?;
                (j, Some((of, n)))
            }
            Err(_) => (i, None),
        };
        let end = near.as_ref().map_or(expr.span().end, |(_, n)| n.span.end);
        Ok((
            rest,
            Forbid {
                expr,
                near,
                span: kw.start..end,
            },
        ))
    }

    /// `reference EXPR [-> SEVERITY] [unless EXPR]`
    fn reference(&self, i: &'a str) -> Res<'a, Reference> {
        let (i, kw) = self.kw(i, "reference")?;
        let (i, expr) = self.expr_after(i, "`reference`")?;
        let (rest, severity) = match self.punct(i, "->") {
            Ok((j, _)) => {
                let (j, s) = self.name(j).or_expect(
                    self,
                    j,
                    "expected a severity after `->`",
                    "write `-> error`, `-> warning` or `-> info`",
                )?;
                (j, Some(s))
            }
            Err(_) => (i, None),
        };
        let (rest, unless) = match self.kw(rest, "unless") {
            Ok((j, _)) => {
                let (j, u) = self.expr_after(j, "`unless`")?;
                (j, Some(u))
            }
            Err(_) => (rest, None),
        };
        let end = unless
            .as_ref()
            .map(|u| u.span().end)
            .or(severity.as_ref().map(|s| s.span.end))
            .unwrap_or(expr.span().end);
        Ok((
            rest,
            Reference {
                expr,
                severity,
                unless,
                span: kw.start..end,
            },
        ))
    }

    /// `anchor trigger | heading | scope | nearest NAME | at EXPR`
    fn anchor(&self, i: &'a str) -> Res<'a, Spanned<Anchor>> {
        const HELP: &str = "write `anchor trigger`, `anchor heading`, `anchor scope`, `anchor nearest NAME` or `anchor at PATTERN`";
        let (i, kw) = self.kw(i, "anchor")?;
        let (rest, word) =
            self.name(i)
                .or_expect(self, i, "expected an anchor after `anchor`", HELP)?;
        let (rest, anchor, end) = match word.node.as_str() {
            "trigger" => (rest, Anchor::Trigger, word.span.end),
            "heading" => (rest, Anchor::Heading, word.span.end),
            "scope" => (rest, Anchor::Scope, word.span.end),
            "nearest" => {
                let (j, n) = self.name(rest).or_expect(
                    self,
                    rest,
                    "expected an element name after `nearest`",
                    HELP,
                )?;
                let end = n.span.end;
                (j, Anchor::Nearest(n), end)
            }
            "at" => {
                let (j, e) = self.expr_after(rest, "`anchor at`")?;
                let end = e.span().end;
                (j, Anchor::At(e), end)
            }
            other => {
                return fatal(
                    syntax(
                        word.span.clone(),
                        format!("unknown anchor `{other}`"),
                        "not an anchor",
                    )
                    .with_help(HELP),
                );
            }
        };
        Ok((rest, Spanned::new(anchor, kw.start..end)))
    }
}
