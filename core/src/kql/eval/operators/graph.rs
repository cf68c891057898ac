//! Graph operators: `make-graph`, `graph-mark-components`, `graph-to-table`,
//! `graph-match` (linear patterns of nodes and edges, fixed or variable length, with
//! `where` and `project`) and `graph-shortest-paths` (the shortest matches per pair).
//!
//! The parser keeps graph operators as raw text, so this file reads that text. A graph is
//! not a table: `make-graph` leaves it in [`Evaluator::graph`] for the graph operators that
//! follow it, and passes an empty table down the pipeline.
//!
//! Inside `graph-match`, a node or edge variable reads as `var.property` (like a `scan`
//! step), and as a value it is a bag of its properties (a variable-length edge is an array
//! of bags). `node_id()`, `inner_nodes()`, `map()`, `all()`, `any()`, `node_degree_in()` and
//! `node_degree_out()` are evaluated here.

use std::collections::HashMap;
use std::sync::Arc;

use crate::kql::ast::*;
use crate::kql::eval::scalar::dynamic_scalar;
use crate::kql::eval::{Binding, Column, EvalError, Evaluator, Result, Table};
use crate::source::Span;
use crate::value::{ScalarType, Value};

/// A property graph: node and edge tables, and each edge's (source, target) node index.
#[derive(Clone, Debug, Default)]
pub(in crate::kql::eval) struct Graph {
    nodes: Table,
    /// The node property that holds each node's id.
    id_column: usize,
    edges: Table,
    ends: Vec<(usize, usize)>,
}

/// While `graph-match` evaluates one match: each variable's value and, for variable-length
/// edges, the nodes inside the path.
#[derive(Clone, Debug, Default)]
pub(in crate::kql::eval) struct MatchContext {
    inner_nodes: HashMap<String, Vec<usize>>,
    node_vars: HashMap<String, usize>,
    /// Each variable-length edge's edges, as properties: a `where` term on `e.prop` must
    /// hold for every edge of `e`.
    edge_lists: HashMap<String, Vec<HashMap<String, Value>>>,
    /// The node a `map(inner_nodes(e), node_id())` lambda is at.
    current_node: Option<usize>,
}

/// A complete match: its nodes, each step's edges, and each step's inner nodes.
type PathMatch = (Vec<usize>, Vec<Vec<usize>>, Vec<Vec<usize>>);

/// For `graph-shortest-paths`: the shortest length found for a node pair and its rows.
type ShortestRows = (usize, Vec<Vec<Value>>);

/// One step of a pattern: an edge (with its direction and length range) and the node after it.
#[derive(Clone, Debug)]
struct PatternEdge {
    name: String,
    /// `->` (true), `<-` (false), or `-` (None: either way).
    forward: Option<bool>,
    min: usize,
    max: usize,
    node: String,
}

impl Graph {
    fn id_of(&self, node: usize) -> Value {
        self.nodes
            .rows
            .get(node)
            .and_then(|r| r.get(self.id_column))
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn bag(table: &Table, row: usize, extra: Option<(&str, Value)>) -> Value {
        let mut map = serde_json::Map::new();
        if let Some(values) = table.rows.get(row) {
            for (column, value) in table.columns.iter().zip(values) {
                map.insert(column.name.clone(), value.to_json());
            }
        }
        if let Some((name, value)) = extra {
            map.insert(name.to_string(), value.to_json());
        }
        Value::Dynamic(Arc::new(serde_json::Value::Object(map)))
    }

    fn properties(table: &Table, row: usize) -> HashMap<String, Value> {
        let mut out = HashMap::new();
        if let Some(values) = table.rows.get(row) {
            for (column, value) in table.columns.iter().zip(values) {
                out.insert(column.name.clone(), value.clone());
            }
        }
        out
    }
}

/// Splits `name = value` words out of raw operator text.
fn param<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let at = text.find(name)?;
    let rest = text
        .get(at + name.len()..)?
        .trim_start()
        .strip_prefix('=')?;
    rest.split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .find(|w| !w.is_empty())
}

fn name_expr(name: &str) -> Expr {
    Expr::new(
        ExprKind::Name(Ident::new(name, Span::default())),
        Span::default(),
    )
}

/// Parses `text` as the columns of a `print`: assignments with their spans in `text`.
fn parse_assignments(text: &str) -> Result<Vec<Assignment>> {
    let parsed = crate::kql::parse(&format!("print {text}"));
    if parsed.has_errors() {
        return Err(EvalError::new(format!(
            "cannot read `{}` in a graph operator",
            text.trim()
        )));
    }
    match parsed.query.statements.first().map(|s| &s.kind) {
        Some(StatementKind::Expr(Expr {
            kind: ExprKind::Source(op),
            ..
        })) => match &op.kind {
            OperatorKind::Print { columns } => Ok(columns.clone()),
            _ => Err(EvalError::new("cannot read a graph operator's expressions")),
        },
        _ => Err(EvalError::new("cannot read a graph operator's expressions")),
    }
}

/// Reads `(a)-[e*1..3]->(b)<-[f]-(c)`: the first node and the steps after it.
fn parse_pattern(text: &str) -> Result<(String, Vec<PatternEdge>, &str)> {
    let bad = || EvalError::new(format!("cannot read the graph pattern `{}`", text.trim()));
    let mut rest = text.trim_start();
    let node = |rest: &mut &str| -> Option<String> {
        let inner = rest.strip_prefix('(')?;
        let end = inner.find(')')?;
        let name = inner.get(..end)?.split(':').next()?.trim().to_string();
        *rest = inner.get(end + 1..)?.trim_start();
        Some(name)
    };
    let first = node(&mut rest).ok_or_else(bad)?;
    let mut steps = Vec::new();
    loop {
        // Anonymous edges: `-->`, `<--`, `--`.
        let anonymous = [("-->", Some(true)), ("<--", Some(false)), ("--", None)]
            .into_iter()
            .find_map(|(arrow, forward)| rest.strip_prefix(arrow).map(|r| (r, forward)));
        if let Some((after, forward)) = anonymous {
            let mut r = after.trim_start();
            let next = node(&mut r).ok_or_else(bad)?;
            rest = r;
            steps.push(PatternEdge {
                name: String::new(),
                forward,
                min: 1,
                max: 1,
                node: next,
            });
            continue;
        }
        let (backward, after_open) = if let Some(r) = rest.strip_prefix("<-[") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("-[") {
            (false, r)
        } else {
            break;
        };
        let end = after_open.find(']').ok_or_else(bad)?;
        let inside = after_open.get(..end).ok_or_else(bad)?;
        let after = after_open.get(end + 1..).ok_or_else(bad)?;
        let (forward, after) = if let Some(r) = after.strip_prefix("->") {
            (Some(true), r)
        } else if let Some(r) = after.strip_prefix('-') {
            (if backward { Some(false) } else { None }, r)
        } else {
            return Err(bad());
        };
        let (name, range) = match inside.split_once('*') {
            Some((name, range)) => (name, Some(range)),
            None => (inside, None),
        };
        let (min, max) = match range {
            None => (1, 1),
            Some(range) => {
                let (lo, hi) = range.split_once("..").ok_or_else(bad)?;
                (
                    lo.trim().parse().map_err(|_| bad())?,
                    hi.trim().parse().map_err(|_| bad())?,
                )
            }
        };
        let mut r = after.trim_start();
        let next = node(&mut r).ok_or_else(bad)?;
        rest = r;
        steps.push(PatternEdge {
            name: name.split(':').next().unwrap_or("").trim().to_string(),
            forward,
            min,
            max,
            node: next,
        });
    }
    Ok((first, steps, rest))
}

/// The position of a top-level keyword (outside quotes and brackets).
fn find_keyword(text: &str, keyword: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                _ if depth == 0 && text.get(i..).is_some_and(|t| t.starts_with(keyword)) => {
                    let before = i == 0
                        || bytes
                            .get(i - 1)
                            .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'_');
                    let after = bytes
                        .get(i + keyword.len())
                        .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'_');
                    if before && after {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

impl Evaluator<'_> {
    /// The graph operators, by keyword; `None` when `keyword` is not one of them.
    pub(super) fn graph_operator(
        &mut self,
        keyword: &str,
        text: &str,
        input: Table,
    ) -> Option<Result<Table>> {
        Some(match keyword {
            "make-graph" => self.make_graph(text, input).map(|graph| {
                self.graph = Some(graph);
                Table::default()
            }),
            "graph-mark-components" => self.mark_components(text),
            "graph-to-table" => self.graph_to_table(text),
            "graph-match" => self.graph_match(text, None),
            "graph-shortest-paths" => {
                // `output=any` (default): one shortest path per source/target pair.
                let trimmed = text.trim_start();
                let (all, rest) = match trimmed.strip_prefix("output") {
                    Some(rest) => {
                        let rest = rest
                            .trim_start()
                            .strip_prefix('=')
                            .unwrap_or(rest)
                            .trim_start();
                        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                        (
                            rest.get(..end) == Some("all"),
                            rest.get(end..).unwrap_or(""),
                        )
                    }
                    None => (false, trimmed),
                };
                self.graph_match(rest, Some(all))
            }
            _ => return None,
        })
    }

    fn current_graph(&self) -> Result<Graph> {
        self.graph.clone().ok_or_else(|| {
            EvalError::new("this graph operator needs a graph: use make-graph before it")
        })
    }

    fn make_graph(&mut self, text: &str, edges: Table) -> Result<Graph> {
        let bad = || EvalError::new(format!("cannot read `make-graph {text}`"));
        let (source, rest) = text.split_once("-->").ok_or_else(bad)?;
        let source = source.trim();
        let rest = rest.trim_start();
        let target_end = rest
            .find(|c: char| c.is_whitespace() || c == '|')
            .unwrap_or(rest.len());
        let target = rest.get(..target_end).ok_or_else(bad)?.trim();
        let options = rest.get(target_end..).unwrap_or("");
        let source_index = edges
            .column_index(source)
            .ok_or_else(|| EvalError::new(format!("make-graph: no column `{source}`")))?;
        let target_index = edges
            .column_index(target)
            .ok_or_else(|| EvalError::new(format!("make-graph: no column `{target}`")))?;
        let mut id_name = param(options, "with_node_id").unwrap_or("$id").to_string();
        let mut nodes = Table::default();
        let mut ids: HashMap<String, usize> = HashMap::new();
        // `with T1 on c1, T2 on c2`: the node tables and their id columns.
        if let Some(at) = find_keyword(options, "with") {
            for spec in options.get(at + 4..).unwrap_or("").split(',') {
                let Some((table, column)) = spec.split_once(" on ") else {
                    continue;
                };
                let table = self.table(&name_expr(table.trim()))?;
                let column = column.trim();
                let index = table.column_index(column).ok_or_else(|| {
                    EvalError::new(format!(
                        "make-graph: the node table has no column `{column}`"
                    ))
                })?;
                if nodes.columns.is_empty() {
                    nodes.columns = table.columns.clone();
                    id_name = column.to_string();
                }
                let positions: Vec<Option<usize>> = nodes
                    .columns
                    .iter()
                    .map(|c| table.column_index(&c.name))
                    .collect();
                for row in &table.rows {
                    let key = row
                        .get(index)
                        .map(|v| v.to_json().to_string())
                        .unwrap_or_default();
                    if ids.contains_key(&key) {
                        continue;
                    }
                    ids.insert(key, nodes.rows.len());
                    nodes.rows.push(
                        positions
                            .iter()
                            .map(|p| p.and_then(|i| row.get(i).cloned()).unwrap_or(Value::Null))
                            .collect(),
                    );
                }
            }
        }
        let id_column = match nodes.column_index(&id_name) {
            Some(i) => i,
            None => {
                nodes.columns.push(Column {
                    name: id_name.clone(),
                    ty: edges.columns.get(source_index).and_then(|c| c.ty),
                });
                for row in &mut nodes.rows {
                    row.push(Value::Null);
                }
                nodes.columns.len() - 1
            }
        };
        let width = nodes.columns.len();
        let mut ends = Vec::with_capacity(edges.rows.len());
        for row in &edges.rows {
            let mut end = |value: Value| -> usize {
                let key = value.to_json().to_string();
                match ids.get(&key) {
                    Some(&i) => i,
                    None => {
                        // A node only the edges name: its id is its only property.
                        let mut values = vec![Value::Null; width];
                        if let Some(slot) = values.get_mut(id_column) {
                            *slot = value;
                        }
                        ids.insert(key, nodes.rows.len());
                        nodes.rows.push(values);
                        nodes.rows.len() - 1
                    }
                }
            };
            let s = end(row.get(source_index).cloned().unwrap_or(Value::Null));
            let t = end(row.get(target_index).cloned().unwrap_or(Value::Null));
            ends.push((s, t));
        }
        self.check_table(&nodes)?;
        Ok(Graph {
            nodes,
            id_column,
            edges,
            ends,
        })
    }

    /// `graph-mark-components [kind=weak] [with_component_id=Name]`: numbers the weakly
    /// connected components, in node order.
    fn mark_components(&mut self, text: &str) -> Result<Table> {
        if param(text, "kind").is_some_and(|k| k != "weak") {
            return Err(EvalError::unsupported("graph-mark-components kind=strong"));
        }
        let name = param(text, "with_component_id")
            .unwrap_or("ComponentId")
            .to_string();
        let mut graph = self.current_graph()?;
        let count = graph.nodes.rows.len();
        let mut parent: Vec<usize> = (0..count).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while let Some(&p) = parent.get(i) {
                if p == i {
                    break;
                }
                let grand = parent.get(p).copied().unwrap_or(p);
                if let Some(slot) = parent.get_mut(i) {
                    *slot = grand;
                }
                i = p;
            }
            i
        }
        for &(s, t) in &graph.ends {
            let (a, b) = (root(&mut parent, s), root(&mut parent, t));
            if a != b {
                let (low, high) = if a < b { (a, b) } else { (b, a) };
                if let Some(slot) = parent.get_mut(high) {
                    *slot = low;
                }
            }
        }
        let mut numbers: HashMap<usize, i64> = HashMap::new();
        graph.nodes.columns.push(Column {
            name,
            ty: Some(ScalarType::Long),
        });
        for i in 0..count {
            let r = root(&mut parent, i);
            let next = numbers.len() as i64;
            let number = *numbers.entry(r).or_insert(next);
            if let Some(row) = graph.nodes.rows.get_mut(i) {
                row.push(Value::Long(number));
            }
        }
        self.graph = Some(graph);
        Ok(Table::default())
    }

    /// `graph-to-table nodes [with_node_id=C]` or `edges [with_source_id=S] [with_target_id=T]`.
    fn graph_to_table(&mut self, text: &str) -> Result<Table> {
        let graph = self.current_graph()?;
        let kind = text.split_whitespace().next().unwrap_or("");
        match kind {
            "nodes" => {
                let mut out = graph.nodes.clone();
                if let Some(name) = param(text, "with_node_id") {
                    out.columns.insert(
                        0,
                        Column {
                            name: name.to_string(),
                            ty: None,
                        },
                    );
                    for (i, row) in out.rows.iter_mut().enumerate() {
                        row.insert(0, graph.id_of(i));
                    }
                }
                out.infer_types();
                Ok(out)
            }
            "edges" => {
                let mut out = graph.edges.clone();
                for (name, is_target) in [
                    (param(text, "with_target_id"), true),
                    (param(text, "with_source_id"), false),
                ] {
                    let Some(name) = name else { continue };
                    out.columns.insert(
                        0,
                        Column {
                            name: name.to_string(),
                            ty: None,
                        },
                    );
                    for (row, &(s, t)) in out.rows.iter_mut().zip(&graph.ends) {
                        row.insert(0, graph.id_of(if is_target { t } else { s }));
                    }
                }
                out.infer_types();
                Ok(out)
            }
            _ => Err(EvalError::unsupported(format!("graph-to-table {text}"))),
        }
    }

    /// `graph-match`, or with `shortest` (`Some(all)`) `graph-shortest-paths`: only the
    /// shortest matches per (first node, last node) pair, one or all of them.
    fn graph_match(&mut self, text: &str, shortest: Option<bool>) -> Result<Table> {
        let graph = self.current_graph()?;
        let mut text = text.trim_start();
        let mut cycles = "unique_edges".to_string();
        if let Some(rest) = text.strip_prefix("cycles") {
            let rest = rest
                .trim_start()
                .strip_prefix('=')
                .unwrap_or(rest)
                .trim_start();
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            cycles = rest.get(..end).unwrap_or("").to_string();
            text = rest.get(end..).unwrap_or("");
        }
        let (first, steps, rest) = parse_pattern(text)?;
        let project_at = find_keyword(rest, "project")
            .ok_or_else(|| EvalError::new("graph-match needs a project clause"))?;
        let condition = match find_keyword(rest, "where") {
            Some(at) if at < project_at => {
                let text = rest.get(at + 5..project_at).unwrap_or("");
                parse_assignments(text)?.into_iter().next().map(|a| a.value)
            }
            _ => None,
        };
        let projections = parse_assignments(rest.get(project_at + 7..).unwrap_or(""))?;
        let mut columns = Vec::new();
        for (i, item) in projections.iter().enumerate() {
            let name = match (item.names.first(), &item.value.kind) {
                (Some(n), _) => n.name.clone(),
                (None, ExprKind::Member { target, name }) => match target.as_name() {
                    Some(t) => format!("{}_{}", t.name, name.name),
                    None => format!("Column{}", i + 1),
                },
                (None, ExprKind::Name(n)) => n.name.clone(),
                _ => format!("Column{}", i + 1),
            };
            columns.push(Column { name, ty: None });
        }
        let mut out = Table::new(columns);
        // Adjacency: per node, (edge, other end, is forward).
        let mut adjacency: Vec<Vec<(usize, usize, bool)>> =
            vec![Vec::new(); graph.nodes.rows.len()];
        for (e, &(s, t)) in graph.ends.iter().enumerate() {
            if let Some(list) = adjacency.get_mut(s) {
                list.push((e, t, true));
            }
            if let Some(list) = adjacency.get_mut(t) {
                list.push((e, s, false));
            }
        }
        let mut matches: Vec<PathMatch> = Vec::new();
        for start in 0..graph.nodes.rows.len() {
            let mut nodes = vec![start];
            let mut edges = Vec::new();
            let mut inner = Vec::new();
            extend_matches(
                &steps,
                &adjacency,
                &cycles,
                &mut nodes,
                &mut edges,
                &mut inner,
                &mut matches,
                self.options.max_rows,
            )?;
        }
        // Rows per (first, last) node pair with their path length, for shortest paths.
        let mut best: HashMap<(usize, usize), ShortestRows> = HashMap::new();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (nodes, edges, inner) in matches {
            let length: usize = edges.iter().map(Vec::len).sum();
            let pair = (
                nodes.first().copied().unwrap_or(0),
                nodes.last().copied().unwrap_or(0),
            );
            let mut refs: HashMap<String, HashMap<String, Value>> = HashMap::new();
            let mut scope: HashMap<String, Binding> = HashMap::new();
            let mut context = MatchContext::default();
            let names = std::iter::once(&first).chain(steps.iter().map(|s| &s.node));
            for (name, &node) in names.zip(&nodes) {
                if name.is_empty() {
                    continue;
                }
                refs.insert(name.clone(), Graph::properties(&graph.nodes, node));
                scope.insert(
                    name.clone(),
                    Binding::Scalar(Graph::bag(&graph.nodes, node, None)),
                );
                context.node_vars.insert(name.clone(), node);
            }
            for ((step, path), inside) in steps.iter().zip(&edges).zip(&inner) {
                if step.name.is_empty() {
                    continue;
                }
                if step.min == 1 && step.max == 1 {
                    if let Some(&e) = path.first() {
                        refs.insert(step.name.clone(), Graph::properties(&graph.edges, e));
                        scope.insert(
                            step.name.clone(),
                            Binding::Scalar(Graph::bag(&graph.edges, e, None)),
                        );
                    }
                } else {
                    let bags = path
                        .iter()
                        .map(|&e| Graph::bag(&graph.edges, e, None).to_json())
                        .collect();
                    scope.insert(
                        step.name.clone(),
                        Binding::Scalar(Value::Dynamic(Arc::new(serde_json::Value::Array(bags)))),
                    );
                    context
                        .inner_nodes
                        .insert(step.name.clone(), inside.clone());
                    context.edge_lists.insert(
                        step.name.clone(),
                        path.iter()
                            .map(|&e| Graph::properties(&graph.edges, e))
                            .collect(),
                    );
                }
            }
            let saved_refs = self.scan_refs.replace(refs);
            let saved_match = self.graph_match_context.replace(context);
            self.scopes.push(scope);
            let result = self.graph_match_row(condition.as_ref(), &projections);
            self.scopes.pop();
            self.scan_refs = saved_refs;
            self.graph_match_context = saved_match;
            let Some(row) = result? else { continue };
            match shortest {
                None => {
                    out.rows.push(row);
                    self.check_table(&out)?;
                }
                Some(all) => match best.get_mut(&pair) {
                    Some((shortest_length, rows)) => {
                        if length < *shortest_length {
                            *shortest_length = length;
                            *rows = vec![row];
                        } else if length == *shortest_length && all {
                            rows.push(row);
                        }
                    }
                    None => {
                        pairs.push(pair);
                        best.insert(pair, (length, vec![row]));
                    }
                },
            }
        }
        for pair in pairs {
            if let Some((_, rows)) = best.remove(&pair) {
                out.rows.extend(rows);
                self.check_table(&out)?;
            }
        }
        out.infer_types();
        Ok(out)
    }

    fn graph_match_row(
        &mut self,
        condition: Option<&Expr>,
        projections: &[Assignment],
    ) -> Result<Option<Vec<Value>>> {
        let empty = Table::default();
        if let Some(condition) = condition {
            let terms: Vec<&Expr> = match &condition.kind {
                ExprKind::Logical {
                    op: LogicalOp::And,
                    operands,
                } => operands.iter().collect(),
                _ => vec![condition],
            };
            for term in terms {
                if !self.graph_term_holds(term)? {
                    return Ok(None);
                }
            }
        }
        let mut row = Vec::with_capacity(projections.len());
        for item in projections {
            row.push(self.scalar(&item.value, &empty, &[])?);
        }
        Ok(Some(row))
    }

    /// One `and` term of a `graph-match` condition. A term on a variable-length edge's
    /// properties (`e.prop`) holds when it holds for each edge of the path.
    fn graph_term_holds(&mut self, term: &Expr) -> Result<bool> {
        let empty = Table::default();
        let lists = self
            .graph_match_context
            .as_ref()
            .map(|c| c.edge_lists.clone())
            .unwrap_or_default();
        let mut variable = None;
        crate::kql::visit::walk_expr(term, &mut |e| {
            if let ExprKind::Member { target, .. } = &e.kind {
                if let Some(name) = target.as_name() {
                    if lists.contains_key(&name.name) && variable.is_none() {
                        variable = Some(name.name.clone());
                    }
                }
            }
        });
        let Some((name, edges)) = variable.and_then(|v| lists.get(&v).map(|l| (v, l.clone())))
        else {
            return Ok(matches!(self.scalar(term, &empty, &[])?, Value::Bool(true)));
        };
        for edge in edges {
            let previous = self
                .scan_refs
                .as_mut()
                .and_then(|refs| refs.insert(name.clone(), edge));
            let result = self.scalar(term, &empty, &[]);
            if let Some(refs) = self.scan_refs.as_mut() {
                match previous {
                    Some(previous) => {
                        refs.insert(name.clone(), previous);
                    }
                    None => {
                        refs.remove(&name);
                    }
                }
            }
            if !matches!(result?, Value::Bool(true)) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Graph functions inside `graph-match`; `None` when `name` is not one (or no match is
    /// being evaluated).
    pub(in crate::kql::eval) fn graph_function(
        &mut self,
        name: &str,
        args: &[Arg],
        table: &Table,
        row: &[Value],
    ) -> Option<Result<Value>> {
        self.graph_match_context.as_ref()?;
        if matches!(name, "map" | "all" | "any") {
            return Some(self.graph_lambda(name, args, table, row));
        }
        let (Some(context), Some(graph)) = (self.graph_match_context.as_ref(), self.graph.as_ref())
        else {
            return None;
        };
        let var = |i: usize| {
            args.get(i)
                .and_then(|a| a.value.as_name())
                .map(|n| n.name.as_str())
        };
        Some(Ok(match name {
            "node_id" => match var(0) {
                Some(v) => context
                    .node_vars
                    .get(v)
                    .map_or(Value::Null, |&n| graph.id_of(n)),
                None => context.current_node.map_or(Value::Null, |n| graph.id_of(n)),
            },
            "node_degree_in" | "node_degree_out" => {
                let node = var(0).and_then(|v| context.node_vars.get(v).copied());
                node.map_or(Value::Null, |n| {
                    let count = graph
                        .ends
                        .iter()
                        .filter(|(s, t)| {
                            if name == "node_degree_in" {
                                *t == n
                            } else {
                                *s == n
                            }
                        })
                        .count();
                    Value::Long(count as i64)
                })
            }
            "inner_nodes" => {
                let nodes = var(0)
                    .and_then(|v| context.inner_nodes.get(v))
                    .cloned()
                    .unwrap_or_default();
                let bags = nodes
                    .iter()
                    .map(|&n| {
                        Graph::bag(&graph.nodes, n, Some(("\u{0}node", Value::Long(n as i64))))
                            .to_json()
                    })
                    .collect();
                Value::Dynamic(Arc::new(serde_json::Value::Array(bags)))
            }
            _ => return None,
        }))
    }

    /// `map(list, expr)`, `all(list, predicate)`, `any(list, predicate)`: `expr` sees each
    /// element's properties as columns (and `node_id()` as the element's node).
    fn graph_lambda(
        &mut self,
        name: &str,
        args: &[Arg],
        table: &Table,
        row: &[Value],
    ) -> Result<Value> {
        let (Some(list), Some(body)) = (args.first(), args.get(1)) else {
            return Err(EvalError::new(format!(
                "{name}() needs a list and an expression"
            )));
        };
        let items = match self.scalar(&list.value, table, row)? {
            Value::Dynamic(json) => json.as_array().cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut results = Vec::with_capacity(items.len());
        for item in &items {
            let mut element = Table::default();
            let mut values = Vec::new();
            let mut node = None;
            if let Some(object) = item.as_object() {
                for (key, value) in object {
                    if key == "\u{0}node" {
                        node = value.as_u64().and_then(|n| usize::try_from(n).ok());
                        continue;
                    }
                    element.columns.push(Column {
                        name: key.clone(),
                        ty: None,
                    });
                    values.push(match value {
                        serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                            Value::Dynamic(Arc::new(value.clone()))
                        }
                        scalar => dynamic_scalar(scalar),
                    });
                }
            }
            let saved = self
                .graph_match_context
                .as_mut()
                .map(|c| std::mem::replace(&mut c.current_node, node));
            let result = self.scalar(&body.value, &element, &values);
            if let (Some(context), Some(saved)) = (self.graph_match_context.as_mut(), saved) {
                context.current_node = saved;
            }
            results.push(result?);
        }
        Ok(match name {
            "all" => Value::Bool(results.iter().all(|v| matches!(v, Value::Bool(true)))),
            "any" => Value::Bool(results.iter().any(|v| matches!(v, Value::Bool(true)))),
            _ => Value::Dynamic(Arc::new(serde_json::Value::Array(
                results.iter().map(Value::to_json).collect(),
            ))),
        })
    }
}

/// Extends a partial match by the next pattern step; complete matches go to `out` as
/// (nodes, edges per step, inner nodes per step).
#[allow(clippy::too_many_arguments)]
fn extend_matches(
    steps: &[PatternEdge],
    adjacency: &[Vec<(usize, usize, bool)>],
    cycles: &str,
    nodes: &mut Vec<usize>,
    edges: &mut Vec<Vec<usize>>,
    inner: &mut Vec<Vec<usize>>,
    out: &mut Vec<PathMatch>,
    limit: usize,
) -> Result<()> {
    let Some(step) = steps.get(edges.len()) else {
        out.push((nodes.clone(), edges.clone(), inner.clone()));
        if out.len() > limit {
            return Err(EvalError::new(format!(
                "row limit reached: graph-match finds more than {limit} matches (raise max_rows to allow more)"
            )));
        }
        return Ok(());
    };
    let Some(&from) = nodes.last() else {
        return Ok(());
    };
    // Paths of step.min..=step.max edges from `from`, depth first; the walk itself is
    // bounded too, since long variable-length edges on a dense graph explode.
    let mut stack: Vec<(usize, Vec<usize>, Vec<usize>)> = vec![(from, Vec::new(), Vec::new())];
    let mut work = 0usize;
    while let Some((at, path, visited)) = stack.pop() {
        work += 1;
        if work > limit.saturating_mul(16) {
            return Err(EvalError::new(
                "limit reached: graph-match explores too many paths (shorten variable-length edges or raise max_rows)",
            ));
        }
        if path.len() >= step.min && path.len() <= step.max {
            let used: Vec<usize> = edges.iter().flatten().copied().collect();
            let repeats_edge = path.iter().any(|e| used.contains(e));
            if cycles == "all" || !repeats_edge {
                nodes.push(at);
                edges.push(path.clone());
                inner.push(visited.clone());
                extend_matches(steps, adjacency, cycles, nodes, edges, inner, out, limit)?;
                nodes.pop();
                edges.pop();
                inner.pop();
            }
        }
        if path.len() == step.max {
            continue;
        }
        for &(e, other, is_forward) in adjacency.get(at).map(Vec::as_slice).unwrap_or(&[]) {
            if step.forward.is_some_and(|f| f != is_forward) {
                continue;
            }
            if cycles != "all" && path.contains(&e) {
                continue;
            }
            if cycles == "none" && (other == from || visited.contains(&other)) {
                continue;
            }
            let mut next_path = path.clone();
            next_path.push(e);
            let mut next_visited = visited.clone();
            if !path.is_empty() || at != from {
                next_visited.push(at);
            }
            stack.push((other, next_path, next_visited));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions, Table};
    use crate::value::Value;

    fn run(query: &str) -> Table {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}");
        evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap()
    }

    const EDGES: &str = "datatable(s:string, t:string)['a', 'b', 'b', 'c', 'x', 'y']";

    #[test]
    fn components() {
        let table = run(&format!(
            "{EDGES} | make-graph s --> t with_node_id=n | graph-mark-components | graph-to-table nodes"
        ));
        assert_eq!(table.column_names(), vec!["n", "ComponentId"]);
        let ids: Vec<Value> = table.rows.iter().map(|r| r[1].clone()).collect();
        assert_eq!(ids, [0, 0, 0, 1, 1].map(Value::Long).to_vec());
    }

    #[test]
    fn variable_length_match() {
        let table = run(&format!(
            "{EDGES} | make-graph s --> t with_node_id=n | graph-match (p)-[e*1..2]->(q) where p.n == 'a' project q = q.n, hops = array_length(e), via = map(inner_nodes(e), node_id())"
        ));
        assert_eq!(table.rows.len(), 2);
        let mut found: Vec<String> = table
            .rows
            .iter()
            .map(|r| format!("{:?} {:?} {}", r[0], r[1], r[2].to_json()))
            .collect();
        found.sort();
        assert_eq!(
            found,
            vec![
                "String(\"b\") Long(1) []".to_string(),
                "String(\"c\") Long(2) [\"b\"]".to_string()
            ]
        );
    }
}

#[cfg(test)]
mod shortest_tests {
    use crate::kql::eval::{evaluate, EvalOptions};
    use crate::value::Value;

    #[test]
    fn shortest_path_per_pair() {
        let query = "datatable(s:string, t:string)['a', 'b', 'b', 'c', 'a', 'c'] | make-graph s --> t with_node_id=n | graph-shortest-paths (p)-[e*1..3]->(q) where p.n == 'a' and q.n == 'c' project hops = array_length(e)";
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors());
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        assert_eq!(table.rows, vec![vec![Value::Long(1)]]);
    }
}

#[cfg(test)]
mod edge_term_tests {
    use crate::kql::eval::{evaluate, EvalOptions};

    #[test]
    fn variable_edge_terms_hold_for_every_edge() {
        let query = "datatable(s:string, t:string, c:string)['a', 'b', 'red', 'b', 'c', 'blue', 'a', 'c', 'red'] | make-graph s --> t with_node_id=n | graph-match (p)-[e*1..2]->(q) where p.n == 'a' and q.n == 'c' and e.c == 'red' project q = q.n";
        let parsed = crate::kql::parse(query);
        let table = evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap();
        // Only the direct red edge a -> c: the path through b has a blue edge.
        assert_eq!(table.rows.len(), 1);
    }
}
