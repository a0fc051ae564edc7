-- Republic of Tatarstan, 2025: the republic's own non-working holidays on top of the federal calendar
-- (Law of the Republic of Tatarstan on holidays and memorable days): Курбан-байрам on Friday 6 June and the
-- Day of the Constitution of Tatarstan on Thursday 6 November; Ураза-байрам (Sunday 30 March) and the Day of
-- the Republic (Saturday 30 August) fell on days off, which the republic's law does not move. The days
-- before them are shortened.
return {
  off = { "06-06", "11-06" },
  work = {},
  short = { "06-05", "11-05" },
}
