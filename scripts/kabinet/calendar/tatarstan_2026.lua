-- Republic of Tatarstan, 2026: the republic's own non-working holidays on top of the federal calendar
-- (the republic's production calendar for 2026, 244 working days): Ураза-байрам on Friday 20 March,
-- Курбан-байрам on Wednesday 27 May (dates set by decree of the head of the republic) and the Day of the
-- Constitution of Tatarstan on Friday 6 November; the Day of the Republic (Sunday 30 August) falls on a day
-- off and is not moved. The working days before them are shortened.
return {
  off = { "03-20", "05-27", "11-06" },
  work = {},
  short = { "03-19", "05-26", "11-05" },
}
