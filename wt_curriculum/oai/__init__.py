"""Part of the national infrastructure: an OAI-PMH 2.0 provider of the published lesson packages (oai_dc and
NL-LOM), so that Edurep can harvest them already classified by SLO kerndoel."""
