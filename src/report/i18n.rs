//! Every word policylint says about a run, in Japanese and in English: the
//! message and labels of each diagnostic (from the rule's own texts and the
//! engine's structured findings), help lines, and the counts. The engine
//! says nothing in words; printers ask here.

use crate::document::Facet;
use crate::engine::{Diag, Evidence, Finding, FindingKind, ReqState, SkipReason, Totals, What};
use crate::rules::{Lang, Rule, RuleSet, Severity};

/// What a diagnostic says, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub message: String,
    /// The primary label, on the diagnostic's span.
    pub label: String,
    /// One text per secondary label, in order.
    pub labels: Vec<String>,
    /// The rule's help, or policylint's for its own notes.
    pub help: Option<String>,
    pub cite: Option<String>,
    pub url: Option<String>,
}

/// The texts of a run: the rules (for their messages and element labels)
/// and the language.
#[derive(Clone, Copy)]
pub struct Texts<'a> {
    rules: &'a RuleSet,
    lang: Lang,
}

impl<'a> Texts<'a> {
    pub fn new(rules: &'a RuleSet, lang: Lang) -> Self {
        Texts { rules, lang }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn rules(&self) -> &'a RuleSet {
        self.rules
    }

    fn ja_en(&self, ja: impl Into<String>, en: impl Into<String>) -> String {
        match self.lang {
            Lang::Ja => ja.into(),
            Lang::En => en.into(),
        }
    }

    /// Why a finding is shown at a lower severity than its rule's.
    pub fn cap_note(&self, facet: Facet, value: &str, severity: Severity) -> String {
        let sev = severity.name();
        let f = facet.name();
        self.ja_en(
            format!(
                "この文書の {f} は「{value}」と推定されたため、重大度を {sev} にしています（適用が確かでないため）。policylint.toml の [context] で {f} を指定すると本来の重大度で検査します。"
            ),
            format!(
                "Shown as {sev} because the document's {f} was inferred as `{value}`, so the duty may not apply; set `{f}` under [context] in policylint.toml to check at the rule's own severity."
            ),
        )
    }

    /// Why a rule did not apply to a document.
    pub fn skip_reason(&self, r: &SkipReason) -> String {
        match r {
            SkipReason::Context(f, v) => self.ja_en(
                format!("{} = {v} には適用されません", f.name()),
                format!("does not apply where {} = {v}", f.name()),
            ),
            SkipReason::NotMentioned => self.ja_en(
                "文書が該当事項に触れていません",
                "the document does not mention what the rule is about",
            ),
        }
    }

    /// A severity in words, as the summary says it.
    pub fn severity(&self, s: Severity) -> &'static str {
        match (self.lang, s) {
            (Lang::Ja, Severity::Error) => "エラー",
            (Lang::Ja, Severity::Warning) => "警告",
            (Lang::Ja, Severity::Info) => "情報",
            (Lang::En, s) => s.name(),
        }
    }

    /// A skipped file's note, after the reason the engine gives.
    pub fn skipped(&self, reason: &str) -> String {
        self.ja_en(
            format!("{reason}（検査していません）"),
            format!("{reason}; not checked"),
        )
    }

    /// The one-line note for a document no rule applies to.
    pub fn no_rule_applies(&self, document: &str) -> String {
        self.ja_en(
            format!("適用されるルールがありません（文書の種類: {document}）"),
            format!("no rule applies to this document (document = {document})"),
        )
    }

    /// What a diagnostic says.
    pub fn diag(&self, d: &Diag) -> Said {
        let rule = self.rules.rule(&d.rule);
        let none = |message: String, label: String, help: Option<String>| Said {
            message,
            label,
            labels: Vec::new(),
            help,
            cite: None,
            url: None,
        };
        match &d.what {
            What::Finding {
                kind,
                evidence,
                capped,
            } => {
                let labels: Vec<&Evidence> = d.labels.iter().map(|l| &l.evidence).collect();
                let (message, label, labels) =
                    self.finding_parts(rule, &d.rule, *kind, evidence.as_ref(), &labels, &d.missing, &d.found);
                Said {
                    message,
                    label,
                    labels,
                    help: {
                        let help = rule
                            .filter(|r| !r.help.is_empty())
                            .map(|r| r.help.get(self.lang).to_string());
                        match capped {
                            Some((facet, value)) => {
                                let note = self.cap_note(*facet, value, d.severity);
                                Some(help.map_or(note.clone(), |h| format!("{h}\n{note}")))
                            }
                            None => help,
                        }
                    },
                    cite: rule.and_then(|r| r.cite.clone()),
                    url: rule.and_then(|r| r.url.clone()),
                }
            }
            What::Unreadable(msg) => none(
                self.ja_en(format!("読み込めません: {msg}"), format!("cannot be read: {msg}")),
                msg.clone(),
                None,
            ),
            What::Timeout { rule, seconds } => none(
                self.ja_en(
                    format!("検査が時間の上限（{seconds}秒）を超えたため、{rule} 以降のルールを評価していません"),
                    format!("checking took longer than {seconds}s; rules from {rule} on were not evaluated"),
                ),
                self.ja_en("このファイルの検査を途中で打ち切りました", "this file was only partly checked"),
                None,
            ),
            What::More(more) => none(
                self.ja_en(
                    format!("ほかに{more}件の指摘があります（表示の上限を超えました）"),
                    format!("+{more} more findings in this file (over the per-file limit)"),
                ),
                self.ja_en(format!("+{more}件"), format!("+{more} more")),
                None,
            ),
            What::UnusedSuppression(rules) => {
                let rules = if rules.is_empty() {
                    "*".to_string()
                } else {
                    rules.join(", ")
                };
                none(
                    self.ja_en(
                        format!("この抑制コメントは何も抑制していません（{rules}）"),
                        format!("this suppression suppresses nothing ({rules})"),
                    ),
                    self.ja_en("該当する指摘がありません", "no finding here to suppress"),
                    Some(self.ja_en(
                        "不要になった抑制コメントは削除してください",
                        "remove the comment, or fix the rule id it names",
                    )),
                )
            }
            What::UnknownRule { id, suggestion } => {
                // The suggestion is in the message, which every format shows.
                let message = match suggestion {
                    Some(s) => self.ja_en(
                        format!("抑制コメントのルールID {id} は読み込まれたルールにありません（{s} のことですか？）"),
                        format!("the suppression names `{id}`, which is no loaded rule; did you mean `{s}`?"),
                    ),
                    None => self.ja_en(
                        format!("抑制コメントのルールID {id} は読み込まれたルールにありません"),
                        format!("the suppression names `{id}`, which is no loaded rule"),
                    ),
                };
                none(
                    message,
                    self.ja_en("不明なルールID", "unknown rule id"),
                    Some(self.ja_en(
                        "ルールIDを直すか、コメントから外してください（`policylint rules` でルールIDの一覧を確認できます）",
                        "fix the id or take it out of the comment (`policylint rules` lists the rule ids)",
                    )),
                )
            }
        }
    }

    /// The message, primary label and secondary labels of a finding as the
    /// evaluator returns it (before it is located).
    pub fn finding(&self, f: &Finding) -> (String, String, Vec<String>) {
        let labels: Vec<&Evidence> = f.labels.iter().map(|l| &l.evidence).collect();
        self.finding_parts(
            self.rules.rule(&f.rule),
            &f.rule,
            f.kind,
            f.evidence.as_ref(),
            &labels,
            &f.missing,
            &f.found,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn finding_parts(
        &self,
        rule: Option<&Rule>,
        id: &str,
        kind: FindingKind,
        evidence: Option<&Evidence>,
        labels: &[&Evidence],
        missing: &[String],
        found: &[String],
    ) -> (String, String, Vec<String>) {
        let lang = self.lang;
        let element = |name: &str| -> String {
            rule.and_then(|r| r.element(name))
                .map_or_else(|| name.to_string(), |e| e.label.get(lang).to_string())
        };
        let sep = self.ja_en("、", ", ");
        let names = |v: &[String]| v.iter().map(|n| element(n)).collect::<Vec<_>>().join(&sep);
        // A missing element whose block requires others stands for them:
        // "管理責任者（氏名又は名称、住所、代表者の氏名）" says what to write.
        let stands_for = |name: &str| -> String {
            let Some(e) = rule.and_then(|r| r.element(name)) else {
                return name.to_string();
            };
            let label = e.label.get(lang);
            let children = e.children();
            if children.is_empty() {
                return label.to_string();
            }
            let list = children
                .iter()
                .map(|c| c.label.get(lang))
                .collect::<Vec<_>>()
                .join(&sep);
            self.ja_en(format!("{label}（{list}）"), format!("{label} ({list})"))
        };
        let missing_names = |v: &[String]| {
            v.iter()
                .map(|n| stands_for(n))
                .collect::<Vec<_>>()
                .join(&sep)
        };
        let spelled = |text: &str, count: usize| {
            self.ja_en(
                format!("ここでは「{text}」（{count}回）"),
                format!("spelled \"{text}\" here ({count}×)"),
            )
        };
        let label_text = |e: &Evidence| match e {
            Evidence::Element(name) => self.ja_en(
                format!("{}はここ", element(name)),
                format!("{} found here", element(name)),
            ),
            Evidence::Reference => {
                self.ja_en("参照先に委ねている記載", "stated only by this reference")
            }
            Evidence::ResolvedReference { page } => self.ja_en(
                format!("参照先の {page} にも{}の記載がありません", names(missing)),
                format!(
                    "the page referred to, {page}, does not state {} either",
                    names(missing)
                ),
            ),
            Evidence::Phrase(text) => text.clone(),
            Evidence::Spelling { text, count } => spelled(text, *count),
        };
        let template = |pick: fn(&Rule) -> &crate::rules::model::Text| {
            rule.map_or("", |r| pick(r).get(lang)).to_string()
        };
        let (template, missing_text, found_text, label) = match kind {
            FindingKind::Missing => (
                template(|r| &r.message),
                missing_names(missing),
                names(found),
                self.ja_en(
                    format!("{}がありません", names(missing)),
                    format!("missing: {}", names(missing)),
                ),
            ),
            FindingKind::Referenced => (
                template(|r| &r.reference_message),
                missing_names(missing),
                names(found),
                self.ja_en(
                    format!("{}は参照先に委ねられています", names(missing)),
                    format!("{} given only by reference", names(missing)),
                ),
            ),
            FindingKind::Forbidden => {
                let phrase = match evidence {
                    Some(Evidence::Phrase(t)) => t.clone(),
                    _ => String::new(),
                };
                (
                    template(|r| &r.forbid_message),
                    String::new(),
                    phrase,
                    self.ja_en("禁止された表現", "forbidden phrase"),
                )
            }
            FindingKind::Inconsistent => (
                template(|r| &r.message),
                String::new(),
                found.join(&self.ja_en("」と「", "\" and \"")),
                evidence.map(label_text).unwrap_or_default(),
            ),
        };
        let message = fill(&template, &missing_text, &found_text, id);
        (
            message,
            label,
            labels.iter().map(|e| label_text(e)).collect(),
        )
    }

    /// The help lines under a finding in the human report: the rule's help,
    /// the citation, the link, the missing elements.
    pub fn help_lines(&self, d: &Diag, said: &Said) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(h) = &said.help {
            parts.push(h.clone());
        }
        if let Some(c) = &said.cite {
            parts.push(self.ja_en(format!("根拠: {c}"), format!("cites: {c}")));
        }
        if let Some(u) = &said.url {
            parts.push(self.ja_en(format!("詳しく: {u}"), format!("see: {u}")));
        }
        if !d.missing.is_empty() {
            let m = d.missing.join(", ");
            parts.push(self.ja_en(format!("不足: {m}"), format!("missing: {m}")));
        }
        (!parts.is_empty()).then(|| parts.join("\n"))
    }

    /// The line a run ends with, on standard error.
    pub fn summary(&self, t: &Totals, secs: f64) -> String {
        let Totals {
            files: n,
            skipped,
            error: e,
            warning: w,
            info: i,
            suppressed,
            baselined,
            unreadable,
        } = *t;
        // Files that could not be read are counted among the files, so the
        // line says how many of them were not read rather than checked.
        let (u_ja, u_en) = match unreadable {
            0 => (String::new(), String::new()),
            u => (format!("、{u}件読み込めず"), format!(", {u} unreadable")),
        };
        self.ja_en(
            format!(
                "{n}ファイルを検査（{skipped}件スキップ{u_ja}）: エラー{e}件、警告{w}件、情報{i}件、抑制{suppressed}件、ベースライン{baselined}件（{secs:.2}秒）"
            ),
            format!(
                "checked {n} files ({skipped} skipped{u_en}): {e} errors, {w} warnings, {i} info; {suppressed} suppressed, {baselined} baselined ({secs:.2}s)"
            ),
        )
    }

    /// The Markdown table's head, and the line that stands for an empty table.
    pub fn markdown_head(&self) -> (String, String) {
        (
            self.ja_en(
                "| ファイル | 行 | 重大度 | ルール | 内容 |",
                "| File | Line | Severity | Rule | Message |",
            ),
            self.ja_en("指摘はありません。\n", "No findings.\n"),
        )
    }

    /// The requirement matrix's title, the head of its first column, and
    /// the legend's title.
    pub fn matrix_words(&self) -> (String, String, String) {
        (
            self.ja_en("### 要件の充足状況", "### Requirements"),
            self.ja_en("文書", "Document"),
            self.ja_en("凡例", "Legend"),
        )
    }

    /// The counts under the Markdown table.
    pub fn markdown_tail(&self, t: &Totals) -> String {
        let (files, e, w, i) = (t.files, t.error, t.warning, t.info);
        let skipped = match t.skipped {
            0 => String::new(),
            n => self.ja_en(format!("（{n}件スキップ）"), format!(" ({n} skipped)")),
        };
        self.ja_en(
            format!("\n{files}ファイル{skipped}: エラー{e}件、警告{w}件、情報{i}件\n"),
            format!("\n{files} files{skipped}: {e} errors, {w} warnings, {i} info\n"),
        )
    }
}

/// The ids of the built-in packs' requirement groups, in the order a
/// compliance matrix shows them, with their names in Japanese and English.
pub const GROUPS: &[(&str, &str, &str)] = &[
    ("operator", "事業者", "Operator"),
    ("purposes", "利用目的", "Purposes"),
    ("rights", "開示等の請求", "Rights"),
    ("security", "安全管理措置", "Security"),
    ("complaints", "苦情・相談", "Complaints"),
    ("joint-use", "共同利用", "Joint use"),
    ("third-party", "第三者提供", "Third parties"),
    ("foreign-transfer", "外国への移転", "Foreign transfer"),
    ("processed-data", "加工情報", "Processed data"),
    ("external-transmission", "外部送信", "External transmission"),
    ("revision", "改定・日付", "Revision"),
    ("other", "その他", "Other"),
];

/// A requirement group's name in `lang`; an id no built-in group has is
/// shown as written (a custom pack's own group).
pub fn group_label(id: &str, lang: Lang) -> String {
    match GROUPS.iter().find(|g| g.0 == id) {
        Some((_, ja, en)) => match lang {
            Lang::Ja => (*ja).to_string(),
            Lang::En => (*en).to_string(),
        },
        None => id.to_string(),
    }
}

/// Where a group stands among the columns of a matrix: the built-in
/// groups in their order, then others by id, then `other` last.
pub fn group_order(id: &str) -> (usize, &str) {
    match GROUPS.iter().position(|g| g.0 == id) {
        Some(i) if id != crate::rules::DEFAULT_GROUP => (i, ""),
        Some(_) => (GROUPS.len() + 1, ""),
        None => (GROUPS.len(), id),
    }
}

/// A requirement's state as a matrix cell shows it, from the least to the
/// most in need of attention: a cell of several rules shows the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReqMark {
    Off,
    NotApplicable,
    Satisfied,
    /// Unmet, but only best practice (a rule at `info`): no duty is unmet,
    /// so the matrix does not show it as missing.
    Advisory,
    Baselined,
    Suppressed,
    Referenced,
    Flagged,
    Missing,
}

impl ReqMark {
    pub const ALL: [ReqMark; 9] = [
        ReqMark::Missing,
        ReqMark::Flagged,
        ReqMark::Referenced,
        ReqMark::Suppressed,
        ReqMark::Baselined,
        ReqMark::Advisory,
        ReqMark::Satisfied,
        ReqMark::NotApplicable,
        ReqMark::Off,
    ];

    /// The mark of a requirement in this state, whose finding has (or
    /// would have) this severity.
    pub fn of(state: &ReqState, severity: Option<Severity>) -> ReqMark {
        let unmet = matches!(
            state,
            ReqState::Missing | ReqState::Referenced | ReqState::Flagged
        );
        if unmet && severity == Some(Severity::Info) {
            return ReqMark::Advisory;
        }
        match state {
            ReqState::Satisfied => ReqMark::Satisfied,
            ReqState::Missing => ReqMark::Missing,
            ReqState::Referenced => ReqMark::Referenced,
            ReqState::Flagged => ReqMark::Flagged,
            ReqState::NotApplicable(_) => ReqMark::NotApplicable,
            ReqState::Suppressed(_) => ReqMark::Suppressed,
            ReqState::Baselined => ReqMark::Baselined,
            ReqState::Off => ReqMark::Off,
        }
    }

    /// The sign and the word of a cell (a sign alone, or a colour, would
    /// not be read by everyone), and what it means, for the legend.
    pub fn said(self, lang: Lang) -> (&'static str, &'static str, &'static str) {
        let (sign, ja, en, ja_means, en_means) = match self {
            ReqMark::Missing => (
                "❌",
                "不足",
                "Missing",
                "必要な記載がない",
                "a required statement is missing",
            ),
            ReqMark::Flagged => (
                "❌",
                "要修正",
                "Flagged",
                "禁止表現・表記の揺れがある",
                "a forbidden phrase or an inconsistent spelling",
            ),
            ReqMark::Referenced => (
                "⚠️",
                "参照のみ",
                "Referenced",
                "他のページへの参照だけで記載がない",
                "only a reference to another page",
            ),
            ReqMark::Suppressed => (
                "🔕",
                "抑制",
                "Suppressed",
                "指摘を抑制コメントで除外",
                "its finding is suppressed by a comment",
            ),
            ReqMark::Baselined => (
                "📌",
                "ベースライン",
                "Baselined",
                "指摘がベースラインにある",
                "its finding is in the baseline",
            ),
            ReqMark::Advisory => (
                "💡",
                "推奨",
                "Advice",
                "推奨事項（法令上の義務ではない）が満たされていない",
                "a best practice (no legal duty) is not followed",
            ),
            ReqMark::Satisfied => (
                "✅",
                "充足",
                "Satisfied",
                "必要な記載がある",
                "every required statement is there",
            ),
            ReqMark::NotApplicable => (
                "—",
                "対象外",
                "N/A",
                "この文書には適用されない",
                "does not apply to this document",
            ),
            ReqMark::Off => (
                "⏸",
                "無効",
                "Off",
                "設定で無効",
                "turned off by the configuration",
            ),
        };
        match lang {
            Lang::Ja => (sign, ja, ja_means),
            Lang::En => (sign, en, en_means),
        }
    }
}

/// Fill `{missing}`, `{found}` and `{rule}` in a rule's message.
pub fn fill(template: &str, missing: &str, found: &str, rule: &str) -> String {
    template
        .replace("{missing}", missing)
        .replace("{found}", found)
        .replace("{rule}", rule)
}
