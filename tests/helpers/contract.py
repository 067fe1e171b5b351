"""The keys of `finreader clean --json`, in order, as the cleaning issue fixes them (other tools
depend on them exactly); spelt out here, not imported from the code under test."""

CONTRACT_KEYS = (
    "file",
    "title",
    "source",
    "author",
    "text",
    "tickers",
    "companies",
    "figures",
    "removed",
)
