"""County reports (统计报表): figures by township and as of a date, and imported returns."""
