use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags exclusions (`!in`, `!in~`, `!has_any`, `!=`, `!~`) whose values include
    /// living-off-the-land binaries (LOLBins) such as `dllhost.exe`, `rundll32.exe`,
    /// `mshta.exe` or `WmiPrvSE.exe`, written inline or through a `let` list.
    ///
    /// ## Why it matters
    /// An allow-list is a gift to an attacker who can launch a process of that name: the
    /// detection goes quiet exactly for the binaries attackers abuse most. Seed rules in
    /// the wild allow-list `dllhost.exe` and `WmiPrvSE.exe`, both common lateral-movement
    /// and execution vehicles.
    ///
    /// ## Example
    /// ```kql
    /// let allow = dynamic(["dllhost.exe", "TiWorker.exe"]);
    /// T | where DCOMFileName !in~ (allow)
    /// ```
    /// Use instead: exclude on more than the name (parent, path, signer, command line), or
    /// drop the LOLBins from the list.
    ///
    /// ## Fix
    /// None.
    pub LolbinAllowList {
        code: "KQL321",
        slug: "lolbin-allow-list",
        language: Kql,
        severity: Warning,
        category: DetectionQuality,
        fix: None,
        summary: "Exclusion list contains binaries attackers can spawn (LOLBins)",
    }
}

/// Binaries commonly abused for execution and lateral movement (LOLBAS project names).
const LOLBINS: &[&str] = &[
    "cmd.exe",
    "powershell.exe",
    "pwsh.exe",
    "rundll32.exe",
    "regsvr32.exe",
    "mshta.exe",
    "wscript.exe",
    "cscript.exe",
    "msiexec.exe",
    "certutil.exe",
    "bitsadmin.exe",
    "wmic.exe",
    "wmiprvse.exe",
    "dllhost.exe",
    "installutil.exe",
    "regasm.exe",
    "regsvcs.exe",
    "msbuild.exe",
    "cmstp.exe",
    "odbcconf.exe",
    "forfiles.exe",
    "schtasks.exe",
    "sc.exe",
    "at.exe",
    "mmc.exe",
    "msxsl.exe",
    "hh.exe",
    "control.exe",
    "explorer.exe",
    "svchost.exe",
    "runtimebroker.exe",
    "wsl.exe",
    "bash.exe",
    "curl.exe",
    "esentutl.exe",
    "expand.exe",
    "extrac32.exe",
    "findstr.exe",
    "ieexec.exe",
    "makecab.exe",
    "msdt.exe",
    "pcalua.exe",
    "presentationhost.exe",
    "reg.exe",
    "regedit.exe",
    "replace.exe",
    "syncappvpublishingserver.exe",
    "verclsid.exe",
    "xwizard.exe",
];

fn lolbins_in<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    values
        .filter(|v| LOLBINS.iter().any(|l| l.eq_ignore_ascii_case(v)))
        .collect()
}

/// The strings of a `let name = dynamic([...])` list.
fn let_strings<'a>(cx: &LintContext<'a>, name: &str) -> Vec<&'a str> {
    for (ident, value, _) in cx.lets() {
        if ident.name != name {
            continue;
        }
        if let LetValue::Expr(Expr {
            kind: ExprKind::Literal(Literal::Dynamic(DynamicValue::Array(items))),
            ..
        }) = value
        {
            return items
                .iter()
                .filter_map(|item| match item {
                    DynamicValue::String(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
        }
    }
    Vec::new()
}

impl KqlRule for LolbinAllowList {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let values: Vec<&str> = match &expr.kind {
                ExprKind::InList {
                    op: ListOp::NotIn | ListOp::NotInCi,
                    list,
                    ..
                } => {
                    let mut values: Vec<&str> = list.iter().filter_map(string_literal).collect();
                    for item in list {
                        if let Some(ident) = item.as_name() {
                            values.extend(let_strings(cx, &ident.name));
                        } else if let ExprKind::Literal(Literal::Dynamic(DynamicValue::Array(
                            items,
                        ))) = &item.kind
                        {
                            values.extend(items.iter().filter_map(|i| match i {
                                DynamicValue::String(s) => Some(s.as_str()),
                                _ => None,
                            }));
                        }
                    }
                    values
                }
                ExprKind::Binary {
                    op: BinaryOp::NotEq | BinaryOp::NotEqCi,
                    right,
                    ..
                } => string_literal(right).into_iter().collect(),
                _ => continue,
            };
            let lolbins = lolbins_in(values.into_iter());
            if lolbins.is_empty() {
                continue;
            }
            found.push(
                Self::META
                    .diagnostic(format!("excluding {} lets an attacker who launches that binary go unseen", lolbins.join(", ")), expr.span)
                    .with_help("exclude on more than the file name (parent process, folder path, signer, command line)"),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
