"""The tables that flow in and out: the input contracts (`inputs`), the output contracts
(`outputs`), exact conversion (`convert`), the data-directory reader (`datadir`) and its
row rules (`row_rules`), reasons as columns (`messages`) and the sample data."""
