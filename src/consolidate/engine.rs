//! The consolidation engine: a timeline of versions per unit, built from the base text and its
//! footnotes, then amended order by order in the order of effective dates.

use super::{Conflict, ConsolidatedAct};
use crate::amend::{Amendment, Op, ParsedOrder};
use crate::identity;
use crate::model::{
    EventKind, HistoryEvent, Lang, OrderCite, TargetAct, UnitKind, UnitRef, UnitStatus, UnitVersion,
};
use crate::structure::ActText;
use chrono::{Datelike, Duration, NaiveDate};

/// An amending order with the file it came from (for conflict reports).
#[derive(Debug, Clone)]
pub struct OrderInput {
    pub order: ParsedOrder,
    pub source: String,
    /// First official publication, from a sidecar `<order>.yaml` (`published: YYYY-MM-DD`);
    /// publication dates are not in the texts.
    pub published: Option<NaiveDate>,
}

/// A rewording or insertion of a whole unit, inherited by the units inside it.
struct WholeChange {
    document: Option<String>,
    path: Vec<UnitRef>,
    effective: Option<NaiveDate>,
    estimated: bool,
    order: Option<OrderCite>,
    inserted: bool,
}

/// One stretch of a unit's life with one wording.
#[derive(Debug, Clone)]
struct Seg {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    text: String,
    status: UnitStatus,
    estimated: bool,
    changed_by: Option<OrderCite>,
}

impl Seg {
    fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d < t)
    }
}

#[derive(Debug, Clone)]
struct Line {
    document: Option<String>,
    path: Vec<UnitRef>,
    segs: Vec<Seg>,
    /// True for units of the base text, false for units known only from amendments.
    from_base: bool,
}

/// (document, unit path, effective date, order number) of a change applied from an order.
type Touch = (Option<String>, Vec<UnitRef>, Option<NaiveDate>, String);

struct Work {
    id: String,
    lang: Lang,
    title: String,
    base_known: bool,
    version_date: Option<NaiveDate>,
    lines: Vec<Line>,
    history: Vec<HistoryEvent>,
    conflicts: Vec<Conflict>,
    /// Registration number and own number/date, to link orders to this act.
    registration: Option<String>,
    cite: Option<(String, Option<NaiveDate>)>,
    /// Changes applied from amending orders: (document, path, effective date, order number),
    /// to report two orders changing one unit on the same day.
    touched: Vec<Touch>,
}

/// When an order takes effect, from its entry-into-force clause. Publication dates are not in
/// the text, so "after first official publication" is estimated from the registration date (or
/// the order's date): + 10 days for the usual "ten calendar days after" rule.
pub fn effective_date(
    clause: Option<&str>,
    order_date: Option<NaiveDate>,
    registration_date: Option<NaiveDate>,
) -> (Option<NaiveDate>, bool) {
    let base = registration_date.or(order_date);
    let clause_l = clause.map(|c| c.to_lowercase()).unwrap_or_default();
    // An explicit calendar date in the clause ("с 1 января 2016 года") is known, not estimated.
    if !clause_l.is_empty()
        && !clause_l.contains("опубликован")
        && !clause_l.contains("жарияланған")
    {
        if let Some((d, _)) = identity::find_date(&clause_l) {
            return (Some(d), false);
        }
    }
    let ten = clause_l.contains("десят") || clause_l.contains(" он ") || clause.is_none();
    let days = if ten { 10 } else { 0 };
    (base.map(|d| d + Duration::days(days)), true)
}

/// Estimated effective date of an order known only from a footnote (its date).
/// Registration usually follows the order within days and publication soon after; + 15 days is
/// the usual "ten days after publication" rule on top of that.
fn footnote_effective(order_date: Option<NaiveDate>) -> Option<NaiveDate> {
    order_date.map(|d| d + Duration::days(15))
}

/// Comparable form of a wording: letters and digits only, lower case, ё→е, Latin i→і, and
/// without the leading unit number ("12." / "3)") that one source keeps and another drops.
pub fn norm(text: &str) -> String {
    let t = text.trim_start();
    let t = strip_leading_number(t);
    t.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'ё' => 'е',
            'i' => 'і',
            other => other,
        })
        .collect()
}

fn strip_leading_number(t: &str) -> &str {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'-') {
        i += 1;
    }
    if i > 0 && i < b.len() && (b[i] == b'.' || b[i] == b')') {
        &t[i + 1..]
    } else {
        t
    }
}

/// Order of unit numbers: "6" < "6-1" < "6-2" < "7".
fn num_key(n: &str) -> Vec<u64> {
    n.split(['-', '.'])
        .map(|p| p.trim().parse::<u64>().unwrap_or(u64::MAX))
        .collect()
}

fn event_kind(op: Op) -> EventKind {
    match op {
        Op::Replace => EventKind::Reworded,
        Op::Repeal | Op::RepealAct => EventKind::Repealed,
        Op::Insert => EventKind::Inserted,
        Op::ReplaceWords | Op::DeleteWords | Op::InsertWords => EventKind::Amended,
    }
}

fn same_order(a: &Option<OrderCite>, b: &Option<OrderCite>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.number.trim() == b.number.trim() && a.date == b.date,
        _ => false,
    }
}

/// Words of a document title that carry meaning (for matching the order's nominative title to
/// the heading in the act: "Типовые правила приема …" vs "Типовые правила приема …").
fn title_words(t: &str) -> Vec<String> {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3)
        .map(|w| w.to_lowercase().chars().take(5).collect())
        .collect()
}

fn title_similarity(a: &str, b: &str) -> f64 {
    let wa = title_words(a);
    let wb = title_words(b);
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let hits = wa.iter().filter(|w| wb.contains(w)).count();
    hits as f64 / wa.len().max(wb.len()) as f64
}

impl Work {
    fn from_act(act: &ActText) -> Work {
        let start = act
            .requisites
            .date
            .map(|d| {
                effective_date(
                    None,
                    Some(d),
                    act.requisites.registration.as_ref().and_then(|r| r.date),
                )
                .0
            })
            .unwrap_or(None);
        let own_cite = act.requisites.number.as_ref().map(|n| OrderCite {
            number: n.clone(),
            date: act.requisites.date,
            issuer: act.requisites.issuer.clone(),
        });
        let mut w = Work {
            id: act.id.clone(),
            lang: act.lang,
            title: act.title.clone(),
            base_known: true,
            version_date: act.version_date,
            lines: Vec::new(),
            history: Vec::new(),
            conflicts: Vec::new(),
            touched: Vec::new(),
            registration: act
                .requisites
                .registration
                .as_ref()
                .map(|r| r.number.clone()),
            cite: act
                .requisites
                .number
                .clone()
                .map(|n| (n, act.requisites.date)),
        };
        for ev in &act.events {
            let mut ev = ev.clone();
            if ev.effective.is_none() {
                ev.effective = footnote_effective(ev.order.as_ref().and_then(|o| o.date));
                ev.estimated = true;
            }
            w.history.push(ev);
        }
        // A unit reworded or inserted as a whole carries new wording for everything inside it
        // (subpoints of a point, points of an appendix, a whole document), so its parts share
        // the date of that change when it is later than their own.
        let mut wholesale: Vec<WholeChange> = Vec::new();
        for ev in act
            .events
            .iter()
            .chain(act.units.iter().flat_map(|u| u.events.iter()))
        {
            if matches!(ev.kind, EventKind::Reworded | EventKind::Inserted) {
                let eff = ev
                    .effective
                    .or_else(|| footnote_effective(ev.order.as_ref().and_then(|o| o.date)));
                wholesale.push(WholeChange {
                    document: ev.document.clone(),
                    path: ev.path.clone(),
                    effective: eff,
                    estimated: ev.effective.is_none() || ev.estimated,
                    order: ev.order.clone(),
                    inserted: ev.kind == EventKind::Inserted,
                });
            }
        }
        for unit in &act.units {
            let mut events: Vec<HistoryEvent> = unit
                .events
                .iter()
                .cloned()
                .map(|mut ev| {
                    if ev.effective.is_none() {
                        ev.effective = footnote_effective(ev.order.as_ref().and_then(|o| o.date));
                        ev.estimated = true;
                    }
                    ev.document = unit.document.clone();
                    if ev.path.is_empty() {
                        ev.path = unit.path.clone();
                    }
                    ev
                })
                .collect();
            events.sort_by_key(|e| e.effective);
            let last_change = events.iter().rev().find(|e| e.kind != EventKind::Original);
            let inserted_first = events
                .first()
                .is_some_and(|e| e.kind == EventKind::Inserted);
            let mut segs = Vec::new();
            let (mut from, mut est, mut by) = match last_change {
                Some(ev) => (ev.effective, ev.estimated, ev.order.clone()),
                None => (start, true, None),
            };
            let mut changed = last_change.is_some();
            let mut inserted_first = inserted_first;
            let outer = wholesale
                .iter()
                .filter(|c| {
                    c.document == unit.document
                        && c.path.len() < unit.path.len()
                        && unit.path.starts_with(&c.path)
                })
                .max_by_key(|c| c.effective);
            if let Some(c) = outer {
                if c.effective > from || !changed {
                    from = c.effective;
                    est = c.estimated;
                    by = c.order.clone();
                    inserted_first = inserted_first || (c.inserted && last_change.is_none());
                    changed = true;
                }
            }
            if changed && !inserted_first {
                segs.push(Seg {
                    from: start,
                    to: from,
                    text: String::new(),
                    status: UnitStatus::Unknown,
                    estimated: true,
                    changed_by: None,
                });
            }
            if !inserted_first {
                w.history.push(HistoryEvent {
                    document: unit.document.clone(),
                    path: unit.path.clone(),
                    kind: EventKind::Original,
                    order: own_cite.clone(),
                    effective: start,
                    estimated: true,
                    source: format!("base text line {}", unit.line),
                });
            }
            segs.push(Seg {
                from,
                to: None,
                text: unit.text.clone(),
                status: unit.status,
                estimated: est,
                changed_by: by,
            });
            w.history.extend(events);
            w.lines.push(Line {
                document: unit.document.clone(),
                path: unit.path.clone(),
                segs,
                from_base: true,
            });
        }
        w
    }

    fn skeleton(id: String, lang: Lang, target: &TargetAct) -> Work {
        let title = target.title.clone().unwrap_or_else(|| {
            let date = target
                .date
                .map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or_default();
            match lang {
                Lang::Ru => format!("Приказ от {date} № {}", target.number),
                Lang::Kk => format!("{date} № {} бұйрық", target.number),
            }
        });
        Work {
            id,
            lang,
            title,
            base_known: false,
            version_date: None,
            lines: Vec::new(),
            history: Vec::new(),
            conflicts: Vec::new(),
            registration: target.registration.as_ref().map(|r| r.number.clone()),
            cite: Some((target.number.clone(), target.date)),
            touched: Vec::new(),
        }
    }

    /// Titles of the approved documents of the base text, in order.
    fn documents(&self) -> Vec<String> {
        let mut docs: Vec<String> = Vec::new();
        for l in self.lines.iter().filter(|l| l.from_base) {
            if let Some(d) = &l.document {
                if !docs.contains(d) {
                    docs.push(d.clone());
                }
            }
        }
        docs
    }

    /// The act's own title for the document an amendment names, so units are keyed alike.
    /// Only the base text's titles count: a document known only from amendments keeps the name
    /// the order gives it.
    fn resolve_document(&self, doc: &Option<String>) -> Option<String> {
        let d = doc.as_ref()?;
        let docs = self.documents();
        let best = docs
            .iter()
            .map(|t| (title_similarity(d, t), t))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((s, t)) if s >= 0.5 || (docs.len() == 1 && s > 0.2) => Some(t.clone()),
            _ => Some(d.clone()),
        }
    }

    fn find(&self, document: &Option<String>, path: &[UnitRef]) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| &l.document == document && l.path == path)
    }

    /// Where a new unit goes: after the last unit of the same document whose path sorts before
    /// it (6-1 after 6 and its subunits, before 7).
    fn insert_position(&self, document: &Option<String>, path: &[UnitRef]) -> usize {
        let key = |p: &[UnitRef]| -> Vec<(UnitKind, Vec<u64>)> {
            p.iter().map(|u| (u.kind, num_key(&u.num))).collect()
        };
        let new_key = key(path);
        let mut pos = None;
        for (i, l) in self.lines.iter().enumerate() {
            if &l.document != document {
                continue;
            }
            let k = key(&l.path);
            // Units of other kinds (chapters) neither bound nor place the new unit.
            let comparable = !k.is_empty() && !new_key.is_empty() && k[0].0 == new_key[0].0;
            if comparable && k < new_key {
                pos = Some(i + 1);
            }
        }
        pos.unwrap_or_else(|| {
            self.lines
                .iter()
                .rposition(|l| &l.document == document)
                .map(|i| i + 1)
                .unwrap_or(self.lines.len())
        })
    }

    /// Give a unit a new version from `at`; returns false when the version was already there.
    #[allow(clippy::too_many_arguments)]
    fn set_version(
        &mut self,
        idx: usize,
        at: Option<NaiveDate>,
        text: String,
        status: UnitStatus,
        estimated: bool,
        by: &OrderCite,
    ) -> bool {
        let line = &mut self.lines[idx];
        let by_some = Some(by.clone());
        // The base text already carries this order's wording (its footnote named the order).
        if let Some(i) = line
            .segs
            .iter()
            .position(|s| same_order(&s.changed_by, &by_some))
        {
            let s = &line.segs[i];
            if s.status == status && (status != UnitStatus::InForce || norm(&s.text) == norm(&text))
            {
                // The footnote's date was a rougher estimate than the order's own clause.
                move_start(line, i, at, estimated);
                return false;
            }
        }
        let Some(at) = at else {
            // No date at all: the new wording is the latest one we know.
            line.segs.push(Seg {
                from: None,
                to: None,
                text,
                status,
                estimated: true,
                changed_by: by_some,
            });
            return true;
        };
        let new_seg = |to| Seg {
            from: Some(at),
            to,
            text: text.clone(),
            status,
            estimated,
            changed_by: by_some.clone(),
        };
        match line.segs.iter().position(|s| s.contains(at)) {
            Some(i) => {
                let s = &line.segs[i];
                if s.status == status && norm(&s.text) == norm(&text) {
                    // The text we hold is this order's wording although no footnote said so
                    // (official footnotes do miss orders): it dates from this order, and what
                    // stood before it since the earlier change is not known.
                    let earlier = s.changed_by.as_ref().is_none_or(|c| c.date < by.date);
                    if earlier && s.from.is_none_or(|f| f < at) && s.status == UnitStatus::InForce {
                        let mut before = s.clone();
                        before.to = Some(at);
                        before.text = String::new();
                        before.status = UnitStatus::Unknown;
                        // Keep the official typography of the base text.
                        let mut after = new_seg(s.to);
                        after.text = s.text.clone();
                        line.segs[i] = before;
                        line.segs.insert(i + 1, after);
                        return true;
                    }
                    return false;
                }
                let to = s.to;
                if s.from == Some(at) {
                    line.segs[i] = new_seg(to);
                } else {
                    line.segs[i].to = Some(at);
                    line.segs.insert(i + 1, new_seg(to));
                }
            }
            None => {
                // Before the first known version (or no versions yet).
                let to = line.segs.first().and_then(|s| s.from);
                line.segs.insert(0, new_seg(to));
            }
        }
        true
    }

    /// A unit replaced or repealed as a whole takes its parts with it: a part whose wording the
    /// base already dates to this order gets the order's date; any other part's separate
    /// wording is unknown from then on (the new wording is in the whole unit's text).
    fn carry_to_parts(
        &mut self,
        idx: usize,
        at: Option<NaiveDate>,
        estimated: bool,
        by: &OrderCite,
    ) {
        let (doc, path) = (
            self.lines[idx].document.clone(),
            self.lines[idx].path.clone(),
        );
        let by_some = Some(by.clone());
        for j in 0..self.lines.len() {
            let l = &self.lines[j];
            if j == idx
                || l.document != doc
                || l.path.len() <= path.len()
                || !l.path.starts_with(&path)
            {
                continue;
            }
            if let Some(i) = l
                .segs
                .iter()
                .position(|s| same_order(&s.changed_by, &by_some))
            {
                move_start(&mut self.lines[j], i, at, estimated);
            } else if let Some(d) = at {
                let cur = l.segs.iter().find(|s| s.contains(d));
                if cur.is_some_and(|s| s.status != UnitStatus::Unknown) {
                    self.set_version(j, at, String::new(), UnitStatus::Unknown, estimated, by);
                }
            }
        }
    }

    fn conflict(&mut self, input: &OrderInput, line: usize, message: String) {
        self.conflicts.push(Conflict {
            act_id: self.id.clone(),
            order: order_label(&input.order),
            source: format!("{}:{}", input.source, line),
            message,
        });
    }

    fn apply(&mut self, input: &OrderInput, idx: usize, am: &Amendment) {
        let order = &input.order;
        let line_no = order.amendment_lines.get(idx).copied().unwrap_or(0);
        let (at, estimated) = order_effective(input);
        let by = OrderCite {
            number: order.header.number.clone(),
            date: order.header.date,
            issuer: order.issuer.clone(),
        };
        let document = if am
            .unit
            .first()
            .is_some_and(|u| matches!(u.kind, UnitKind::Title | UnitKind::Preamble))
            && am.document.is_none()
        {
            None
        } else {
            self.resolve_document(&am.document)
        };
        let kind = event_kind(am.op);
        let mut applied = true;
        if !am.unit.is_empty() {
            let clash = self.touched.iter().find(|(d, p, t, n)| {
                d == &document && p == &am.unit && *t == at && n != &by.number
            });
            if let Some((_, _, _, other)) = clash {
                let msg = format!(
                    "{} is also changed by order № {other} on the same day{}",
                    crate::model::path_to_string(&am.unit),
                    at.map(|d| format!(" ({d})")).unwrap_or_default()
                );
                self.conflict(input, line_no, msg);
            }
            if let (Some(i), Some(d)) = (self.find(&document, &am.unit), at) {
                let repealed = self.lines[i]
                    .segs
                    .iter()
                    .any(|s| s.contains(d) && s.status == UnitStatus::Repealed);
                if repealed && am.op != Op::Repeal {
                    let msg = format!(
                        "{} is amended although it was repealed before {d}",
                        crate::model::path_to_string(&am.unit)
                    );
                    self.conflict(input, line_no, msg);
                }
            }
            self.touched
                .push((document.clone(), am.unit.clone(), at, by.number.clone()));
        }
        match am.op {
            Op::Replace | Op::Insert | Op::Repeal => {
                let (text, status) = match am.op {
                    Op::Repeal => (String::new(), UnitStatus::Repealed),
                    _ => (
                        am.text
                            .clone()
                            .or_else(|| appendix_text(order, am))
                            .unwrap_or_default(),
                        UnitStatus::InForce,
                    ),
                };
                if am.op != Op::Repeal && text.is_empty() {
                    self.conflict(
                        input,
                        line_no,
                        format!(
                            "no new wording for {}",
                            crate::model::path_to_string(&am.unit)
                        ),
                    );
                }
                let idx = match self.find(&document, &am.unit) {
                    Some(i) => {
                        if am.op == Op::Insert {
                            let cur = self.lines[i]
                                .segs
                                .iter()
                                .find(|s| at.is_some_and(|d| s.contains(d)));
                            if cur.is_some_and(|s| {
                                s.status == UnitStatus::InForce && norm(&s.text) != norm(&text)
                            }) {
                                self.conflict(
                                    input,
                                    line_no,
                                    format!(
                                        "inserted unit {} already exists with other wording",
                                        crate::model::path_to_string(&am.unit)
                                    ),
                                );
                            }
                        }
                        i
                    }
                    None => {
                        if self.base_known && am.op != Op::Insert {
                            self.conflict(
                                input,
                                line_no,
                                format!(
                                    "target unit {} not found in the base text{}",
                                    crate::model::path_to_string(&am.unit),
                                    document
                                        .as_ref()
                                        .map(|d| format!(" of «{d}»"))
                                        .unwrap_or_default()
                                ),
                            );
                        }
                        let pos = self.insert_position(&document, &am.unit);
                        let mut segs = Vec::new();
                        if am.op != Op::Insert {
                            segs.push(Seg {
                                from: None,
                                to: at,
                                text: String::new(),
                                status: UnitStatus::Unknown,
                                estimated: true,
                                changed_by: None,
                            });
                        }
                        self.lines.insert(
                            pos,
                            Line {
                                document: document.clone(),
                                path: am.unit.clone(),
                                segs,
                                from_base: false,
                            },
                        );
                        pos
                    }
                };
                if !self.set_version(idx, at, text, status, estimated, &by) {
                    applied = false;
                }
                self.carry_to_parts(idx, at, estimated, &by);
            }
            Op::ReplaceWords | Op::DeleteWords | Op::InsertWords => {
                let old = am.words_old.clone().unwrap_or_default();
                let new = am.words_new.clone().unwrap_or_default();
                let targets: Vec<usize> = if am.unit.is_empty() {
                    (0..self.lines.len())
                        .filter(|&i| document.is_none() || self.lines[i].document == document)
                        .collect()
                } else {
                    self.find(&document, &am.unit).into_iter().collect()
                };
                let mut count = 0;
                let mut already = 0;
                for i in targets {
                    let Some(cur) = self.lines[i]
                        .segs
                        .iter()
                        .find(|s| at.is_none_or(|d| s.contains(d)))
                        .cloned()
                    else {
                        continue;
                    };
                    let n = if old.is_empty() {
                        0
                    } else {
                        cur.text.matches(old.as_str()).count()
                    };
                    if n == 0 {
                        if !new.is_empty() && cur.text.contains(new.as_str()) {
                            already += 1;
                        }
                        continue;
                    }
                    let replaced = match am.op {
                        Op::InsertWords => cur.text.replace(old.as_str(), &format!("{old} {new}")),
                        Op::DeleteWords => cur.text.replace(old.as_str(), ""),
                        _ => cur.text.replace(old.as_str(), &new),
                    };
                    count += n;
                    self.set_version(i, at, replaced, UnitStatus::InForce, estimated, &by);
                }
                if count == 0 && already == 0 {
                    self.conflict(
                        input,
                        line_no,
                        format!(
                            "words «{old}» not found in {}",
                            crate::model::path_to_string(&am.unit)
                        ),
                    );
                }
                if count == 0 {
                    applied = false;
                }
            }
            Op::RepealAct => {
                for i in 0..self.lines.len() {
                    self.set_version(i, at, String::new(), UnitStatus::Repealed, estimated, &by);
                }
            }
        }
        let _ = applied;
        self.record(HistoryEvent {
            document,
            path: am.unit.clone(),
            kind,
            order: Some(by),
            effective: at,
            estimated,
            source: format!("order {}:{}", input.source, line_no),
        });
    }

    /// Add an event unless the footnotes already recorded it (same unit, order and kind); the
    /// order's own date estimate replaces the footnote's.
    fn record(&mut self, ev: HistoryEvent) {
        if let Some(old) = self.history.iter_mut().find(|h| {
            h.path == ev.path && h.document == ev.document && same_order(&h.order, &ev.order)
        }) {
            old.effective = ev.effective;
            old.estimated = ev.estimated;
            if !old.source.contains(&ev.source) {
                old.source = format!("{}; {}", old.source, ev.source);
            }
            return;
        }
        self.history.push(ev);
    }

    fn finish(mut self) -> ConsolidatedAct {
        self.history.sort_by(|a, b| {
            (a.effective, a.kind != EventKind::Original)
                .cmp(&(b.effective, b.kind != EventKind::Original))
        });
        let mut versions = Vec::new();
        for l in &self.lines {
            for s in &l.segs {
                versions.push(UnitVersion {
                    act_id: self.id.clone(),
                    lang: self.lang,
                    act_title: self.title.clone(),
                    document: l.document.clone(),
                    path: l.path.clone(),
                    text: s.text.clone(),
                    valid_from: s.from,
                    valid_to: s.to,
                    estimated: s.estimated,
                    status: s.status,
                    changed_by: s.changed_by.clone(),
                });
            }
        }
        ConsolidatedAct {
            id: self.id,
            lang: self.lang,
            title: self.title,
            base_known: self.base_known,
            version_date: self.version_date,
            versions,
            history: self.history,
            conflicts: self.conflicts,
        }
    }
}

/// Move the start of version `i` to `at` (and the end of the one before), when that keeps the
/// timeline in order and the old start was only an estimate.
fn move_start(line: &mut Line, i: usize, at: Option<NaiveDate>, estimated: bool) {
    let Some(a) = at else { return };
    let s = &line.segs[i];
    if !s.estimated || s.from == at {
        return;
    }
    let prev_ok = i == 0 || line.segs[i - 1].from.is_none_or(|f| f < a);
    let next_ok = s.to.is_none_or(|t| a < t);
    if prev_ok && next_ok {
        line.segs[i].from = at;
        line.segs[i].estimated = estimated;
        if i > 0 {
            line.segs[i - 1].to = at;
        }
    }
}

fn order_label(o: &ParsedOrder) -> String {
    format!(
        "№ {} {}",
        o.header.number,
        o.header
            .date
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_default()
    )
}

/// The wording of an appendix replaced "согласно приложению N к настоящему приказу": the
/// order's own appendix N (or its only one).
fn appendix_text(order: &ParsedOrder, am: &Amendment) -> Option<String> {
    if am.unit.last().map(|u| u.kind) != Some(UnitKind::Appendix) {
        return None;
    }
    if order.appendices.len() == 1 {
        return Some(order.appendices[0].1.clone());
    }
    let n = am.unit.last()?.num.clone();
    order
        .appendices
        .iter()
        .find(|(k, _)| *k == n)
        .map(|(_, t)| t.clone())
}

/// The ID of the act an order amends: a known act with the same registration number, else one
/// with the same number and date, else a register ID from the cited registration (year taken
/// from the act's date), else a fallback ID.
fn target_id(target: &TargetAct, works: &[Work]) -> String {
    if let Some(reg) = &target.registration {
        if let Some(w) = works
            .iter()
            .find(|w| w.registration.as_deref() == Some(reg.number.as_str()))
        {
            return w.id.clone();
        }
    }
    if let Some(w) = works.iter().find(|w| {
        w.cite
            .as_ref()
            .is_some_and(|(n, d)| n == &target.number && *d == target.date && target.date.is_some())
    }) {
        return w.id.clone();
    }
    if let Some(reg) = &target.registration {
        if let Some(id) = identity::register_id(reg, target.date.map(|d| d.year())) {
            return id;
        }
    }
    identity::fallback_id(target.date, &target.number)
}

/// When an order takes effect: its parsed entry-into-force rule applied to the publication date
/// (from the order's sidecar, when known) or else to the registration date, which makes the date
/// an estimate. Orders without a parsed rule fall back to [`effective_date`] on the clause.
pub fn order_effective(input: &OrderInput) -> (Option<NaiveDate>, bool) {
    use crate::amend::EffectiveKind as K;
    let o = &input.order;
    let reg = o.header.registration.as_ref().and_then(|r| r.date);
    let Some(rule) = o.effective.as_ref().map(|e| &e.rule) else {
        return effective_date(o.entry_into_force.as_deref(), o.header.date, reg);
    };
    let published = input.published;
    let base = published.or(reg).or(o.header.date);
    let est = published.is_none();
    match rule.kind {
        K::FromDate if rule.date.is_some() => (rule.date, false),
        K::FromSigning if o.header.date.is_some() => (o.header.date, false),
        K::AfterPublicationDays => (
            base.map(|d| d + Duration::days(rule.days.unwrap_or(10) as i64)),
            est,
        ),
        K::FromPublication => (base, est),
        _ => effective_date(o.entry_into_force.as_deref(), o.header.date, reg),
    }
}

/// The act an amendment changes: the order's target, unless the amendment names another act
/// ("признать утратившим силу пункт 2 приказа … от … № …").
fn amended_act(order: &ParsedOrder, am: &Amendment) -> Option<TargetAct> {
    let target = order.target.as_ref();
    let same = target.is_some_and(|t| {
        t.number == am.act.number && (am.act.date.is_none() || t.date == am.act.date)
    });
    if same || am.act.number.is_empty() {
        return target.cloned();
    }
    Some(TargetAct {
        number: am.act.number.clone(),
        date: am.act.date,
        registration: None,
        issuer: None,
        title: None,
    })
}

/// Consolidate base acts and amending orders: one [`ConsolidatedAct`] per act and language.
/// An amendment changes the text of its order's language, or of the one language it names
/// ("в тексте на казахском языке …").
pub fn consolidate(acts: &[ActText], orders: &[OrderInput]) -> Vec<ConsolidatedAct> {
    let mut works: Vec<Work> = acts.iter().map(Work::from_act).collect();
    let mut sorted: Vec<&OrderInput> = orders.iter().collect();
    sorted.sort_by_key(|o| {
        let (eff, _) = order_effective(o);
        (eff, o.order.header.date, o.order.header.number.clone())
    });
    for input in sorted {
        for (i, am) in input.order.amendments.iter().enumerate() {
            let Some(target) = amended_act(&input.order, am) else {
                continue;
            };
            let lang = am.lang_only.unwrap_or(input.order.header.lang);
            let id = target_id(&target, &works);
            let wi = match works.iter().position(|w| w.id == id && w.lang == lang) {
                Some(i) => i,
                None => {
                    let mut w = Work::skeleton(id.clone(), lang, &target);
                    // Borrow identity from the other language's text when it is known.
                    if let Some(other) = works.iter().find(|w| w.id == id) {
                        w.registration = other.registration.clone();
                        w.cite = other.cite.clone();
                    }
                    works.push(w);
                    works.len() - 1
                }
            };
            works[wi].apply(input, i, am);
        }
    }
    works.into_iter().map(Work::finish).collect()
}
