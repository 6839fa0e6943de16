"""The historical marriage archive (历史婚姻档案 1950–2003): rows as digitised, their validation
(``records``), the old IDs (``ids``) and the flags of a record's own time (``ledger``). Pure."""
