"""The reference evaluators: the semantics written plainly, row by row, for pay lines
(`pay_lines`) and trackers (`trackers`). The engine must give exactly their results."""
