"""Who may use the OAI-PMH endpoint: everyone (harvesters are machines without an account)."""
from tests.access import public

RULES = [
    public("oai.endpoint", "/oai?verb=Identify"),
    public("oai.endpoint", "/oai?verb=ListRecords&metadataPrefix=lom"),
    public("oai.endpoint", "/oai?verb=Nonsense"),
    public("oai.endpoint", "/oai", method="POST", data={"verb": "Identify"}),
]
