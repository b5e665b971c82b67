"""Outgoing economic audits (离任经济责任审计), findings, finance clean-ups and term evaluations.

Other apps read it through `audits.selectors`: `audit_completed` (the workflow's gate),
`unresolved_findings_count_by_village` (the risk recompute), `rated_incompetent_within` (the negative list).
"""
