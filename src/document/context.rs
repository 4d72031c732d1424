//! The document's context: who publishes it (operator), what kind of page
//! it is (document) and whether the service it belongs to is one that the
//! Telecommunications Business Act Art. 27-12 covers (service). Rules
//! declare which contexts they apply to (`applies` in the rule language);
//! the law puts different duties on each.
//!
//! Each facet is inferred from the text with a named cue and the span it
//! was read from, so that a user can see why and override it
//! (`[context]` in policylint.toml). Cues are general forms of wording,
//! matched on the normalised text of the body (never navigation, footers or
//! a quoted statute).

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::structure::{Node, NodeKind};
use crate::text::MappedText;

/// One of the three things a document's context says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    Operator,
    Document,
    Service,
}

impl Facet {
    pub const ALL: [Facet; 3] = [Facet::Operator, Facet::Document, Facet::Service];

    pub fn name(self) -> &'static str {
        match self {
            Facet::Operator => "operator",
            Facet::Document => "document",
            Facet::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The values this facet can take, as written in rules and configs.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Facet::Operator => &["juridical", "individual", "administrative", "unknown"],
            Facet::Document => &["policy", "companion", "transmission", "fragment", "other"],
            Facet::Service => &["covered", "not-covered", "unknown"],
        }
    }

    /// The value written `s`, as the static name every report uses.
    pub fn value(self, s: &str) -> Option<&'static str> {
        self.values().iter().copied().find(|v| *v == s)
    }
}

/// Where a facet's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Read from the document's text (a cue, with evidence).
    Text,
    /// Nothing in the text says: the facet's default.
    Default,
    /// Set in the configuration.
    Config,
}

/// One facet's value, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inferred {
    pub value: &'static str,
    pub source: Source,
    /// The name of the cue that decided (stable, for machines and docs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<&'static str>,
    /// Byte range in the decoded text of the words the cue was read from.
    #[serde(skip)]
    pub evidence: Option<Range<usize>>,
}

impl Inferred {
    fn text(value: &'static str, cue: &'static str, evidence: Range<usize>) -> Self {
        Inferred {
            value,
            source: Source::Text,
            cue: Some(cue),
            evidence: Some(evidence),
        }
    }

    fn default(value: &'static str) -> Self {
        Inferred {
            value,
            source: Source::Default,
            cue: None,
            evidence: None,
        }
    }

    /// A value set by the configuration.
    pub fn config(value: &'static str) -> Self {
        Inferred {
            value,
            source: Source::Config,
            cue: None,
            evidence: None,
        }
    }
}

/// The context of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub operator: Inferred,
    pub document: Inferred,
    pub service: Inferred,
    /// The name the operator defines itself by ("X（以下「当社」）"), in
    /// normalised text: rules can tell the operator from third parties.
    pub operator_name: Option<String>,
}

impl Context {
    pub fn get(&self, f: Facet) -> &Inferred {
        match f {
            Facet::Operator => &self.operator,
            Facet::Document => &self.document,
            Facet::Service => &self.service,
        }
    }

    pub fn set(&mut self, f: Facet, v: Inferred) {
        match f {
            Facet::Operator => self.operator = v,
            Facet::Document => self.document = v,
            Facet::Service => self.service = v,
        }
    }

    /// A context for text with nothing to infer from: a policy by an
    /// operator of unknown kind, service coverage unknown.
    pub fn unknown() -> Self {
        Context {
            operator: Inferred::default("unknown"),
            document: Inferred::default("policy"),
            service: Inferred::default("unknown"),
            operator_name: None,
        }
    }
}

fn re(s: &str) -> Regex {
    // The patterns are constants of this file, tested below.
    #[allow(clippy::expect_used)]
    Regex::new(s).expect("context cue regex")
}

/// Legal forms of juridical persons (会社法, 一般法人法, and the special
/// laws: 学校法人, 医療法人, 社会福祉法人, NPO法人, professional corporations…).
const LEGAL_FORM: &str = "株式会社|合同会社|有限会社|合名会社|合資会社|(一般|公益)(社団|財団)法人|学校法人|医療法人|社会福祉法人|特定非営利活動法人|npo法人|宗教法人|(弁護士|行政書士|司法書士|税理士|社会保険労務士|弁理士|土地家屋調査士|監査)法人|(生活|農業|漁業|事業|信用)?協同組合|信用金庫|労働金庫|inc\\.|llc|ltd\\.?|co\\.,";
/// Bodies that Part V of the Act governs instead of Art. 32: 行政機関,
/// 地方公共団体 and the 独立行政法人等 of 別表第二 (a national university
/// corporation, for example).
const PUBLIC_FORM: &str =
    "国立大学法人|独立行政法人|地方独立行政法人|国立研究開発法人|大学共同利用機関法人|行政機関";

/// 「X（以下「当社」といいます）」: the operator names itself; X's legal form,
/// or the word it calls itself, says what kind of body it is.
static SELF_DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"([^\n。、「」『』()]{1,60})\((以下|以降)[、,:]?[「『"]?(当社|弊社|当法人|本法人|当協会|本協会|当会|本会|当院|本院|当組合|当財団|当機構|本機構|当事務所|当校|本校|本学|当学|当方|私|当店|当ホテル|当館|当団体|本団体|当クリニック|当センター|本市|当市|本県|当県|本町|当町|本村|当村|本区|当区|当局|本局|運営者|当サイト|本サイト)"#,
    )
});
static LEGAL: LazyLock<Regex> = LazyLock::new(|| re(LEGAL_FORM));
static PUBLIC: LazyLock<Regex> = LazyLock::new(|| re(PUBLIC_FORM));
/// A local government's name ending a self-definition: 横浜市, 青森県, 千代田区.
static LOCAL_GOVERNMENT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[\p{Han}\p{Hiragana}\p{Katakana}ー]{1,8}(都|道|府|県|市|区|町|村)(役所|役場|庁)?$")
});
/// Handling under a local ordinance (個人情報保護条例) or the body's own
/// self-reference as a municipality: what a 地方公共団体's page says.
static ADMINISTRATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"[\p{Han}\p{Hiragana}\p{Katakana}]{0,8}個人情報保護条例|(本|当)(市|県|町|村|区)(は|が|では|において|の(個人情報|保有))|(市|県|町|村)(役所|役場|庁)が",
    )
});
/// A company speaks of itself as 当社/弊社, and names its representative
/// with a company title.
static JURIDICAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"当社|弊社|当法人|本法人|代表取締役|代表執行役|代表理事|代表社員|理事長|当協会|当財団|当機構|当組合",
    )
});
/// An individual or an unincorporated body speaks of itself this way.
static INDIVIDUAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"個人(で|が)(運営|開発)|個人開発|個人事業主|当方|管理人|運営者(は|が|である)|開発者(は|が|である|個人)|(^|[。\n])私(は|が|たち)",
    )
});

/// Before/after columns of a revision table (新旧対照表).
static REVISION_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(改定前|改正前|変更前|旧|現行|改訂前)$"));
static REVISION_AFTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(改定後|改正後|変更後|新|改訂後|改定案|改正案)$"));
static REVISION_TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"新旧対照表"));
/// A title naming a page about cookies and external transmission only.
static TRANSMISSION_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"外部送信|情報送信|cookie|クッキー|アクセス解析|利用者情報の(送信|取扱い)|オンライン識別子")
});
/// A title naming one of the pages that accompany a policy.
static COMPANION_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"公表事項|(に関する|の)公表|開示等?の(求め|請求|手続)|開示対象個人情報|利用目的の(公表|通知)|オプトアウト|匿名加工情報|仮名加工情報|外国にある第三者|外国への(第三者)?提供|お問い?合わ?せ(窓口|先)|苦情|相談窓口|会社(概要|情報)|共同利用",
    )
});
/// A title naming a whole policy.
static POLICY_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"プライバシー|privacy|個人情報(保護)?(方針|ポリシー)|個人情報の(取り?扱い?|保護)")
});
/// The page says it collects no personal information at all (and is then
/// about cookies and analytics only). A promise not to collect without
/// consent, or by unfair means, is not that.
static NO_PERSONAL_INFORMATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"個人情報(\(個人を特定できる情報\))?を?(一切)?(収集|取得|保存|保持)(すること|いたすこと)?(は|を)?(ありません|しません|いたしません|しておりません|していません|行いません|行っておりません)",
    )
});
static CONDITIONAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"同意|除き|除いて|不正|偽り|以外|場合|範囲を超え|超えて|必要な範囲|原則|未満|方法|手段|によって|により",
    )
});
static TRACKING: LazyLock<Regex> =
    LazyLock::new(|| re(r"cookie|クッキー|アクセス解析|analytics|アナリティクス|タグ|sdk"));
/// A pointer to the policy published elsewhere (a README, a page footer).
static POINTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(プライバシーポリシー|個人情報保護方針|個人情報の取り?扱い)[^\n。]{0,60}(ご覧|参照|確認|リンク|掲載|記載|https?://)",
    )
});
static NOT_A_POLICY_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(readme|changelog|contributing|license|notice|minutes|議事録)"));
static MINUTES: LazyLock<Regex> = LazyLock::new(|| re(r"議事録|会議録|打ち?合わ?せ(記録|メモ)"));

/// Telecommunications in the Act's own sense: carriers, ISPs, MVNOs,
/// hosting and mail services, public Wi-Fi.
static TELECOM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"電気通信事業|電気通信役務|通信サービス|インターネット接続|インターネットサービスプロバイダ|プロバイダ(サービス|事業)|携帯電話(サービス|事業|回線)|携帯電話の(提供|契約)|phs|mvno|格安sim|公衆無線lan|(wi-?fi|無線lan)(サービス|スポット)|レンタルサーバ|ホスティング|ドメイン(名)?(の)?(登録|取得|管理)|(電子)?メール(サービス|アカウントの提供)|光回線|ブロードバンド|インターネットサービス事業",
    )
});
/// Words that name a telecommunications business whoever's sentence they
/// stand in.
static STRONG_TELECOM: LazyLock<Regex> =
    LazyLock::new(|| re(r"電気通信事業|電気通信役務|インターネットサービス事業|プロバイダ事業"));
/// Services to others over the Internet that Art. 27-12 covers (Ordinance
/// Art. 22-2-27): SNS, search, boards, chat, matching and marketplaces for
/// others, information and media services — when the operator provides them.
static COVERED_SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"sns|ソーシャルネットワーキング|ソーシャルメディア|掲示板|チャット|メッセージ(機能|サービス|の送受信)|マッチング|検索(サービス|エンジン|機能)|求人(情報|サイト|サービス)|ポータル(サイト)?|情報(提供|配信)(サービス|サイト)|ニュース(サイト|配信|アプリ)|(動画|ライブ|音楽)配信|口コミ|レビュー(サイト|投稿)|オンラインゲーム|ゲームアプリ|コミュニティ(サイト|サービス|機能)|情報媒体|(ウェブ|web)メディア|メディアサイト|ブログサービス|天気|気象情報|地図(サービス|アプリ)|位置情報共有|出品|フリマ|モール(サービス)?|予約(サイト|サービス)|比較サイト|クラウドサービス",
    )
});
/// The operator speaks of providing or running the service itself.
static PROVIDES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(当社|弊社|当方|私|運営者|開発者)(が|の)?(提供|運営|配信|開発)|本サービス|当サービス|本アプリ|当アプリ|(提供|運営)(する|して|しており|にあたり|いたし|の)",
    )
});
static THIRD_PARTY_SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"第三者|外部(の)?サービス|他社|委託先|提携先|各種サービスを利用|を利用して")
});
/// The operator's own site serving its own business (自己の需要): not a
/// service to others.
static OWN_SITE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(当社|弊社|当院|当法人|当協会|当会|当事務所|当店|当ホテル|当館|当クリニック|当財団|当組合)(の|が運営する)?(ホームページ|ウェブサイト|webサイト|サイト|公式サイト)|コーポレートサイト|企業サイト|\(以下[、,]?[「:]?(当サイト|本サイト)",
    )
});
/// A page speaking of "this site" as what it runs.
static SITE_SELF: LazyLock<Regex> =
    LazyLock::new(|| re(r"(当|本)(サイト|ウェブサイト|webサイト|ホームページ)"));
/// The operator speaks of services or apps of its own.
static OWN_SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"本サービス|当サービス|本アプリ|当アプリ|(当社|弊社)(が提供する|の提供する|の)(各種)?(サービス|アプリ)",
    )
});
/// Words of an online service at all: a page naming none (a hospital's
/// notice, a paper form) serves no one over the Internet.
static ONLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"サービス|アプリ|サイト|ウェブ|web|オンライン|インターネット|ホームページ|cookie|クッキー")
});

/// Whether a regex has `^`, `$` or a word boundary, which match differently
/// at the edge of a slice than inside the whole text (`[^…]` is a class).
fn looks_at_edges(src: &str) -> bool {
    let b = src.as_bytes();
    src.contains('$')
        || src.contains("\\b")
        || src.contains("\\B")
        || b.iter()
            .enumerate()
            .any(|(i, &c)| c == b'^' && (i == 0 || b[i - 1] != b'['))
}

/// The matches of a regex without edge assertions in the leaves of a body,
/// from one search of the whole text: a match inside a leaf is the match a
/// search of that leaf finds there. Only where a match starts between
/// leaves or runs out of one is that leaf searched on its own. (Searching
/// every leaf, about two hundred a document, cost a twentieth of a run.)
struct Found<'r> {
    body: &'r Body<'r>,
    r: &'r Regex,
    pos: usize,
    leaf: usize,
    /// Searching `leaf` on its own, from `pos`.
    in_leaf: bool,
}

impl Iterator for Found<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let (text, leaves) = (self.body.text, &self.body.leaves);
        loop {
            let l = leaves.get(self.leaf)?.clone();
            if self.in_leaf && self.pos > l.end {
                self.in_leaf = false;
                self.leaf += 1;
                continue;
            }
            if self.in_leaf {
                let slice = &text[l.clone()];
                match self.r.find_at(slice, self.pos.max(l.start) - l.start) {
                    Some(m) if !m.is_empty() => {
                        self.pos = l.start + m.end();
                        return Some(l.start + m.start()..l.start + m.end());
                    }
                    Some(m) => self.pos = next_char(text, l.start + m.end()),
                    None => {
                        self.in_leaf = false;
                        self.pos = l.end;
                        self.leaf += 1;
                    }
                }
                continue;
            }
            if self.pos > text.len() {
                return None;
            }
            let m = self.r.find_at(text, self.pos)?;
            while leaves.get(self.leaf).is_some_and(|l| l.end <= m.start()) {
                self.leaf += 1;
            }
            let l = leaves.get(self.leaf)?.clone();
            if m.is_empty() {
                self.pos = next_char(text, m.end());
            } else if l.start <= m.start() && m.end() <= l.end {
                self.pos = m.end();
                return Some(m.range());
            } else {
                self.in_leaf = true;
            }
        }
    }
}

fn next_char(text: &str, mut i: usize) -> usize {
    i += 1;
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A leaf's normalised range and whether rules may read it.
struct Body<'a> {
    text: &'a str,
    leaves: Vec<Range<usize>>,
}

impl Body<'_> {
    /// Matches of `r` inside leaves of the body, in order: what a search of
    /// each leaf on its own finds.
    fn find<'r>(&'r self, r: &'r Regex) -> Box<dyn Iterator<Item = Range<usize>> + 'r> {
        if looks_at_edges(r.as_str()) {
            return Box::new(self.leaves.iter().flat_map(move |l| {
                r.find_iter(&self.text[l.clone()])
                    .map(move |m| l.start + m.start()..l.start + m.end())
            }));
        }
        Box::new(Found {
            body: self,
            r,
            pos: 0,
            leaf: 0,
            in_leaf: false,
        })
    }
    /// The sentence (up to 。 or a line end, at most 200 bytes either side)
    /// around a normalised range: cues look at their own sentence only.
    fn sentence(&self, r: &Range<usize>) -> Range<usize> {
        let t = self.text;
        let ends = |c: char| c == '。' || c == '\n';
        let mut lo = r.start.saturating_sub(200);
        while !t.is_char_boundary(lo) {
            lo += 1;
        }
        let mut hi = (r.end + 200).min(t.len());
        while !t.is_char_boundary(hi) {
            hi -= 1;
        }
        let start = t[lo..r.start].char_indices().rev().find(|&(_, c)| ends(c));
        let start = start.map_or(lo, |(i, c)| lo + i + c.len_utf8());
        let end = t[r.end..hi].find(ends).map_or(hi, |i| r.end + i);
        start..end
    }
}

/// Which column of a revision table a header cell's text names: `Some(true)`
/// the version before (改定前, 旧, 現行 …), `Some(false)` the one after
/// (改定後, 新, 改定案 …).
pub(crate) fn revision_side(cell: &str) -> Option<bool> {
    let t = cell.trim();
    if REVISION_BEFORE.is_match(t) {
        Some(true)
    } else if REVISION_AFTER.is_match(t) {
        Some(false)
    } else {
        None
    }
}

/// Infer the context of a document from its tree and normalised text.
pub fn infer(path: &Path, nodes: &[Node], norm: &MappedText) -> Context {
    let body = Body {
        text: &norm.text,
        leaves: nodes
            .iter()
            .filter(|n| n.kind.is_leaf_text() && !n.boilerplate && !n.quoted)
            .filter(|n| n.norm.start < n.norm.end)
            .map(|n| n.norm.clone())
            .collect(),
    };
    let src = |r: Range<usize>| norm.to_src(r);
    let operator = operator(&body);
    let operator_name = operator_name(&body);
    let document = document(path, nodes, &body);
    let service = service(&body, operator.value);
    let finish = |(value, cue, ev): (&'static str, &'static str, Option<Range<usize>>)| match ev {
        Some(r) => Inferred::text(value, cue, src(r)),
        None => Inferred::default(value),
    };
    Context {
        operator: finish(operator.into()),
        document: finish(document.into()),
        service: finish(service.into()),
        operator_name,
    }
}

/// The name in the operator's own definition of itself, if it gives one
/// ("サンプル商事株式会社（以下「当社」）": サンプル商事株式会社).
fn operator_name(body: &Body) -> Option<String> {
    let m = body.find(&SELF_DEFINITION).next()?;
    let caps = SELF_DEFINITION.captures(&body.text[m])?;
    let name = caps.get(1)?.as_str().trim();
    let tail = name.rsplit(['、', ',', ' ']).next().unwrap_or(name);
    // A name, not a clause: at least two characters, no sentence in it.
    (tail.chars().count() >= 2).then(|| tail.to_string())
}

/// A facet's inference before its evidence is mapped to the source.
struct Guess {
    value: &'static str,
    cue: &'static str,
    at: Option<Range<usize>>,
}

impl From<Guess> for (&'static str, &'static str, Option<Range<usize>>) {
    fn from(g: Guess) -> Self {
        (g.value, g.cue, g.at)
    }
}

fn guess(value: &'static str, cue: &'static str, at: Range<usize>) -> Guess {
    Guess {
        value,
        cue,
        at: Some(at),
    }
}

fn unknown(value: &'static str) -> Guess {
    Guess {
        value,
        cue: "",
        at: None,
    }
}

fn operator(body: &Body) -> Guess {
    // The operator's own definition of itself decides first.
    for m in body.find(&SELF_DEFINITION) {
        let Some(caps) = SELF_DEFINITION.captures(&body.text[m.clone()]) else {
            continue;
        };
        let (Some(name), Some(word)) = (caps.get(1), caps.get(3)) else {
            continue;
        };
        let name_at = m.start + name.start()..m.start + name.end();
        let name_text = name.as_str().trim();
        // A long lead-in ("当サイトを運営する株式会社X") keeps its last clause.
        let tail = name_text
            .rsplit(['、', ',', ' '])
            .next()
            .unwrap_or(name_text);
        if PUBLIC.is_match(tail) || LOCAL_GOVERNMENT_NAME.is_match(tail) {
            return guess("administrative", "self-definition", name_at);
        }
        if LEGAL.is_match(tail) {
            return guess("juridical", "self-definition", name_at);
        }
        match word.as_str() {
            "本市" | "当市" | "本県" | "当県" | "本町" | "当町" | "本村" | "当村" | "本区"
            | "当区" => return guess("administrative", "self-definition", name_at),
            "当方" | "私" => return guess("individual", "self-definition", name_at),
            _ => {}
        }
    }
    if let Some(m) = body.find(&ADMINISTRATIVE).next() {
        return guess("administrative", "public-body-wording", m);
    }
    // A name near the top of the page, before any third party is named.
    let head_end = body.leaves.iter().take(6).map(|l| l.end).max().unwrap_or(0);
    if let Some(m) = body.find(&PUBLIC).find(|m| m.end <= head_end) {
        return guess("administrative", "public-body-name", m);
    }
    if let Some(m) = body.find(&JURIDICAL).next() {
        return guess("juridical", "company-wording", m);
    }
    if let Some(m) = body.find(&INDIVIDUAL).next() {
        return guess("individual", "individual-wording", m);
    }
    if let Some(m) = body.find(&LEGAL).find(|m| m.end <= head_end) {
        return guess("juridical", "legal-form", m);
    }
    unknown("unknown")
}

/// The page's title: the first heading of the body, else a short first line.
fn title(nodes: &[Node], body: &Body) -> Option<Range<usize>> {
    let first_heading = nodes
        .iter()
        .find(|n| n.kind == NodeKind::Heading && !n.boilerplate && !n.quoted)
        .map(|n| n.norm.clone())
        .filter(|r| r.start < r.end);
    first_heading.or_else(|| {
        body.leaves
            .first()
            .filter(|l| body.text[(*l).clone()].chars().count() <= 40)
            .cloned()
    })
}

fn document(path: &Path, nodes: &[Node], body: &Body) -> Guess {
    let text = body.text;
    // A revision table: before/after columns in a table's first row.
    let header_cells: Vec<&Node> = nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Cell && n.cell.is_some_and(|c| c.row == 0))
        // One version of a revision table has its header hidden.
        .filter(|n| !n.boilerplate)
        .collect();
    let before = header_cells
        .iter()
        .find(|n| REVISION_BEFORE.is_match(text[n.norm.clone()].trim()));
    let after = header_cells
        .iter()
        .any(|n| REVISION_AFTER.is_match(text[n.norm.clone()].trim()));
    if let (Some(b), true) = (before, after) {
        return guess("fragment", "revision-table", b.norm.clone());
    }
    let title = title(nodes, body);
    if let Some(t) = &title
        && let Some(m) = REVISION_TITLE.find(&text[t.clone()])
    {
        return guess(
            "fragment",
            "revision-title",
            t.start + m.start()..t.start + m.end(),
        );
    }
    // Not a policy at all: a README or minutes that mention one.
    let stem = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if NOT_A_POLICY_NAME.is_match(&stem) {
        let at = body.leaves.first().cloned().unwrap_or(0..0);
        return guess("other", "file-name", at);
    }
    if let Some(t) = &title
        && MINUTES.is_match(&text[t.clone()])
    {
        return guess("other", "minutes-title", t.clone());
    }
    let body_chars: usize = body
        .leaves
        .iter()
        .map(|l| text[l.clone()].chars().count())
        .sum();
    let titled_policy = title
        .as_ref()
        .is_some_and(|t| POLICY_TITLE.is_match(&text[t.clone()]));
    if let Some(t) = &title {
        let tt = &text[t.clone()];
        if TRANSMISSION_TITLE.is_match(tt) && !POLICY_TITLE.is_match(tt) {
            return guess("transmission", "title", t.clone());
        }
        if COMPANION_TITLE.is_match(tt) && !POLICY_TITLE.is_match(tt) {
            return guess("companion", "title", t.clone());
        }
    }
    // A short text with no policy title that points to the policy (a
    // README, a footer note) is not one.
    if body_chars < 400
        && !titled_policy
        && let Some(m) = body.find(&POINTER).next()
    {
        return guess("other", "pointer-to-policy", m);
    }
    // "We collect no personal information": a page about cookies and
    // analytics only (else nothing the Act asks of a policy).
    for m in body.find(&NO_PERSONAL_INFORMATION) {
        let s = body.sentence(&m);
        if CONDITIONAL.is_match(&text[s.clone()]) {
            continue;
        }
        let kind = if body.find(&TRACKING).next().is_some() {
            "transmission"
        } else {
            "other"
        };
        return guess(kind, "no-personal-information", m);
    }
    match title {
        Some(t) if titled_policy => guess("policy", "title", t),
        _ => unknown("policy"),
    }
}

fn service(body: &Body, operator: &str) -> Guess {
    let text = body.text;
    // The operator's own service: a telecom word that names the business
    // outright, or a service word in a sentence saying the operator provides
    // it (not a third party's hosting or SNS that it uses).
    let provided = |m: &Range<usize>| {
        let s = body.sentence(m);
        // Words just before `at` name a third party ("第三者が提供する",
        // "他社のSNS"): what follows is theirs, not the operator's.
        let third_party_before = |at: usize| {
            let mut lead = at.saturating_sub(45).max(s.start);
            while !text.is_char_boundary(lead) {
                lead += 1;
            }
            THIRD_PARTY_SERVICE.is_match(&text[lead..at])
        };
        let operator_provides = PROVIDES
            .find_iter(&text[s.clone()])
            .any(|p| !third_party_before(s.start + p.start()));
        operator_provides && !third_party_before(m.start)
    };
    for m in body.find(&TELECOM) {
        if STRONG_TELECOM.is_match(&text[m.clone()]) || provided(&m) {
            return guess("covered", "telecom-service", m);
        }
    }
    if let Some(m) = body.find(&COVERED_SERVICE).find(|m| provided(m)) {
        return guess("covered", "online-service", m);
    }
    if operator == "administrative"
        && let Some(m) = body.find(&ADMINISTRATIVE).chain(body.find(&PUBLIC)).next()
    {
        return guess("not-covered", "public-body", m);
    }
    if let Some(m) = body.find(&OWN_SITE).next() {
        return guess("not-covered", "own-site", m);
    }
    // A company whose page speaks of "this site", names no service of a
    // covered kind anywhere (not even one it does not clearly provide) and
    // no service or app of its own runs the site for its own business.
    if operator == "juridical"
        && body.find(&TELECOM).next().is_none()
        && body.find(&COVERED_SERVICE).next().is_none()
        && body.find(&OWN_SERVICE).next().is_none()
        && let Some(m) = body.find(&SITE_SELF).next()
    {
        return guess("not-covered", "own-site", m);
    }
    if body.find(&ONLINE).next().is_none() {
        let at = body.leaves.first().cloned().unwrap_or(0..0);
        return guess("not-covered", "no-online-service", at);
    }
    unknown("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn ctx(name: &str, text: &str) -> (Context, String) {
        let doc = Document::from_text(name, text).unwrap();
        (doc.context.clone(), doc.text.clone())
    }

    fn evidence<'t>(c: &Inferred, text: &'t str) -> &'t str {
        &text[c.evidence.clone().unwrap()]
    }

    proptest::proptest! {
        /// One search of the whole text finds what a search of each leaf
        /// finds, for matches that run across leaves, start between them
        /// or lie in text that is no leaf.
        #[test]
        fn whole_text_search_equals_leaf_by_leaf(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("当社"), proptest::strategy::Just("サイト"),
                    proptest::strategy::Just("当"), proptest::strategy::Just("の"),
                    proptest::strategy::Just("\n"), proptest::strategy::Just("x"),
                ],
                0..60,
            ),
            cuts in proptest::collection::vec(0usize..200, 0..12),
            which in 0usize..3,
        ) {
            let text: String = pieces.concat();
            let mut b: Vec<usize> = cuts
                .into_iter()
                .map(|c| c.min(text.len()))
                .filter(|&c| text.is_char_boundary(c))
                .collect();
            b.sort_unstable();
            b.dedup();
            // Leaves: every other span between cuts (the rest is no leaf).
            let leaves: Vec<Range<usize>> = b
                .windows(2)
                .step_by(2)
                .map(|w| w[0]..w[1])
                .collect();
            let re = Regex::new(["当社の?サイト", "サイト|当社", "当[^\n]{0,3}x"][which]).unwrap();
            let body = Body { text: &text, leaves: leaves.clone() };
            let got: Vec<Range<usize>> = body.find(&re).collect();
            let want: Vec<Range<usize>> = leaves
                .iter()
                .flat_map(|l| {
                    re.find_iter(&text[l.clone()])
                        .map(|m| l.start + m.start()..l.start + m.end())
                        .collect::<Vec<_>>()
                })
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn edge_assertions_are_told_from_classes() {
        assert!(looks_at_edges("^(旧|新)$"));
        assert!(looks_at_edges("(?i)^(readme|license)"));
        assert!(looks_at_edges("x\\by"));
        assert!(!looks_at_edges("当社[^。]{0,8}サイト"));
        assert!(!looks_at_edges("本サービス|当アプリ"));
    }

    #[test]
    fn every_cue_regex_compiles() {
        for r in [
            &SELF_DEFINITION,
            &LEGAL,
            &PUBLIC,
            &LOCAL_GOVERNMENT_NAME,
            &ADMINISTRATIVE,
            &JURIDICAL,
            &INDIVIDUAL,
            &REVISION_BEFORE,
            &REVISION_AFTER,
            &REVISION_TITLE,
            &TRANSMISSION_TITLE,
            &COMPANION_TITLE,
            &POLICY_TITLE,
            &NO_PERSONAL_INFORMATION,
            &CONDITIONAL,
            &TRACKING,
            &POINTER,
            &NOT_A_POLICY_NAME,
            &MINUTES,
            &TELECOM,
            &COVERED_SERVICE,
            &PROVIDES,
            &THIRD_PARTY_SERVICE,
            &OWN_SITE,
            &SITE_SELF,
            &OWN_SERVICE,
            &STRONG_TELECOM,
            &ONLINE,
        ] {
            assert!(!r.as_str().is_empty());
        }
    }

    #[test]
    fn a_company_defines_itself() {
        let (c, t) = ctx(
            "p.txt",
            "プライバシーポリシー\n\nサンプル商事株式会社（以下「当社」といいます。）は、個人情報を適切に取り扱います。",
        );
        assert_eq!(c.operator.value, "juridical");
        assert_eq!(c.operator.cue, Some("self-definition"));
        assert_eq!(evidence(&c.operator, &t), "サンプル商事株式会社");
        assert_eq!(c.document.value, "policy");
    }

    #[test]
    fn special_law_corporations_are_juridical() {
        for form in [
            "医療法人社団さくら会",
            "学校法人みどり学園",
            "特定非営利活動法人つなぐ",
            "社会福祉法人ひかり",
        ] {
            let (c, _) = ctx(
                "p.txt",
                &format!("{form}（以下「当法人」）は、個人情報を大切に扱います。"),
            );
            assert_eq!(c.operator.value, "juridical", "{form}");
        }
    }

    #[test]
    fn public_bodies_are_administrative() {
        let (c, t) = ctx(
            "p.txt",
            "国立大学法人サンプル大学（以下「本学」）は、保有する個人情報を適切に管理します。",
        );
        assert_eq!(c.operator.value, "administrative");
        assert_eq!(evidence(&c.operator, &t), "国立大学法人サンプル大学");
        let (c, _) = ctx(
            "p.txt",
            "みなと市（以下「本市」といいます。）は、個人情報を適切に取り扱います。",
        );
        assert_eq!(c.operator.value, "administrative");
        let (c, t) = ctx(
            "p.txt",
            "当サイトでは、個人情報の取扱いについて、みどり県個人情報保護条例に基づき適切に管理します。",
        );
        assert_eq!(c.operator.value, "administrative");
        assert_eq!(c.operator.cue, Some("public-body-wording"));
        assert_eq!(evidence(&c.operator, &t), "みどり県個人情報保護条例");
        assert_eq!(c.service.value, "not-covered");
    }

    #[test]
    fn the_exception_for_public_bodies_does_not_make_a_company_one() {
        let (c, _) = ctx(
            "p.txt",
            "当社は、国の機関若しくは地方公共団体又はその委託を受けた者が法令の定める事務を遂行することに対して協力する必要がある場合を除き、第三者に提供しません。",
        );
        assert_eq!(c.operator.value, "juridical");
    }

    #[test]
    fn individuals() {
        let (c, t) = ctx(
            "p.md",
            "# プライバシーポリシー\n\n本アプリは個人で開発しています。当方は、お問い合わせの際にメールアドレスを取得します。\n",
        );
        assert_eq!(c.operator.value, "individual");
        assert!(evidence(&c.operator, &t).starts_with("個人で開発"));
        let (c, _) = ctx(
            "p.md",
            "# プライバシーポリシー\n\n個人情報の取扱いについて説明します。\n",
        );
        assert_eq!(c.operator.value, "unknown");
    }

    #[test]
    fn document_kinds() {
        let (c, _) = ctx(
            "README.md",
            "# tools\n\nプライバシーポリシーは https://example.jp/privacy をご覧ください。\n",
        );
        assert_eq!(
            (c.document.value, c.document.cue),
            ("other", Some("file-name"))
        );
        let (c, _) = ctx(
            "notes.md",
            "# 2024年5月 定例会 議事録\n\n個人情報の取扱いについて、プライバシーポリシーを改定することにした。\n",
        );
        assert_eq!(c.document.value, "other");
        let (c, t) = ctx(
            "c.md",
            "# Cookieポリシー\n\n当サイトはクッキーを使用します。個人情報と結びつけることはありません。\n",
        );
        assert_eq!(c.document.value, "transmission");
        assert_eq!(evidence(&c.document, &t), "Cookieポリシー");
        let (c, _) = ctx(
            "c.md",
            "# 個人情報に関する公表事項\n\n当社の保有個人データの利用目的は次のとおりです。\n",
        );
        assert_eq!(c.document.value, "companion");
        let (c, _) = ctx(
            "c.md",
            "# プライバシーポリシー\n\n当サイトが利用者の個人情報を収集することはありません。アクセス解析にはCookieを使います。\n",
        );
        assert_eq!(
            (c.document.value, c.document.cue),
            ("transmission", Some("no-personal-information"))
        );
        // A promise not to collect without consent is a policy like any other.
        let (c, _) = ctx(
            "c.md",
            "# プライバシーポリシー\n\n当社は、ご本人の同意なく個人情報を取得しません。\n",
        );
        assert_eq!(c.document.value, "policy");
        let (c, t) = ctx(
            "f.txt",
            "\t改定前\t改定後\n3.利用目的\t旧い目的の文\t新しい目的の文\n",
        );
        assert_eq!(c.document.value, "fragment");
        assert_eq!(evidence(&c.document, &t), "改定前");
    }

    #[test]
    fn service_coverage() {
        let (c, t) = ctx(
            "p.txt",
            "当社は、携帯電話サービスの提供にあたり、お客様の個人情報を取り扱います。",
        );
        assert_eq!(c.service.value, "covered");
        assert_eq!(evidence(&c.service, &t), "携帯電話サービス");
        let (c, _) = ctx(
            "p.txt",
            "当社が運営するSNS「サンプル」では、投稿とメッセージの送受信ができます。個人情報を適切に扱います。",
        );
        assert_eq!(c.service.value, "covered");
        // Using third parties' SNS is not providing one.
        let (c, _) = ctx(
            "p.txt",
            "当社のホームページ（以下「当サイト」）では、第三者が提供するSNSを利用することがあります。個人情報を適切に扱います。",
        );
        assert_eq!(
            (c.service.value, c.service.cue),
            ("not-covered", Some("own-site"))
        );
        let (c, _) = ctx(
            "p.txt",
            "当院は、診療のために患者さんの個人情報を利用します。",
        );
        assert_eq!(
            (c.service.value, c.service.cue),
            ("not-covered", Some("no-online-service"))
        );
        // A company's site that names no service of a covered kind.
        let (c, _) = ctx(
            "p.txt",
            "みどり電機株式会社（以下「当社」）は、当サイトの閲覧状況をクッキーで把握します。個人情報を適切に扱います。",
        );
        assert_eq!(
            (c.service.value, c.service.cue),
            ("not-covered", Some("own-site"))
        );
        // The same words next to a covered kind of service stay unknown.
        let (c, _) = ctx(
            "p.txt",
            "みどり電機株式会社（以下「当社」）は、当サイトでチャットによる相談を受け付けます。個人情報を適切に扱います。",
        );
        assert_eq!(c.service.value, "unknown");
        let (c, _) = ctx(
            "p.txt",
            "本アプリは、利用状況の分析のため個人情報を取り扱います。",
        );
        assert_eq!(c.service.value, "unknown");
    }

    #[test]
    fn navigation_is_not_evidence() {
        let (c, _) = ctx(
            "p.html",
            "<nav>サンプル通信株式会社 携帯電話</nav><main><h1>プライバシーポリシー</h1><p>本アプリは個人情報を取り扱います。</p></main>",
        );
        assert_eq!(c.service.value, "unknown");
        assert_eq!(c.operator.value, "unknown");
    }

    #[test]
    fn a_page_with_no_sentence_end_stays_linear() {
        // One long line without 。: each cue reads a bounded window.
        let text = "当サイトの利用に関するお知らせ ".repeat(20_000);
        let (c, _) = ctx("p.txt", &text);
        assert_eq!(c.document.value, "policy");
    }
}
