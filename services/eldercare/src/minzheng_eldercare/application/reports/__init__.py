"""County reports (统计报表): reads of the read models, and the returns imported."""
