package app

import (
	"slices"
	"time"
)

// Calendar is a hospital's working time: the days and hours that count for business-hours
// SLAs. Days are the hospital's local days, each built with time.Date, so a daylight-saving
// change lengthens or shortens that day's hours as the wall clock does. Working hours lie
// within one local day (Open < Close): overnight shifts are not modelled in v1; a service
// that counts nights uses calendar-hours rules.
type Calendar struct {
	Location    *time.Location // the hospital's zone; nil counts as Asia/Riyadh (UTC+3, no DST)
	Weekend     []time.Weekday // days that never count (default Friday and Saturday)
	Open, Close time.Duration  // working hours as wall-clock offsets from local midnight, e.g. 8h and 16h
	Holidays    []Holiday      // whole local days off; admins edit them because Eid dates are announced late
}

// Holiday is one whole local day off. Only Date's year, month and day count, read in
// Date's own location, so LocalDay in the hospital's zone and a UTC midnight loaded from
// the database name the same day. A holiday of several days (Eid) is one Holiday per day.
type Holiday struct {
	Date   time.Time
	NameEN string
	NameAR string
}

// LocalDay returns local midnight of the civil date y-m-d in loc: the value for Holiday.Date.
func LocalDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// DefaultCalendar is the Saudi working week: Sunday to Thursday, 08:00 to 16:00 in loc, no
// holidays (admins add them as they are announced).
func DefaultCalendar(loc *time.Location) Calendar {
	return Calendar{Location: loc, Weekend: []time.Weekday{time.Friday, time.Saturday}, Open: 8 * time.Hour, Close: 16 * time.Hour}
}

// maxSearchDays bounds AddBusiness, so a calendar without working days (which Validate
// refuses) cannot loop for ever.
const maxSearchDays = 20 * 366

// riyadh stands in for a nil Location. Saudi Arabia keeps UTC+3 all year, so a fixed zone
// is exact and needs no time zone database.
var riyadh = time.FixedZone("AST", 3*3600)

// Validate checks what the arithmetic relies on: a zone, hours within one day with opening
// before closing, weekend days that are weekdays, at least one working weekday, and dated
// holidays.
func (c Calendar) Validate() FieldErrors {
	fe := FieldErrors{}
	if c.Location == nil {
		fe.Add("location", "err.time_zone_invalid")
	}
	if c.Open < 0 || c.Open >= 24*time.Hour {
		fe.Add("open", "err.choose_option")
	}
	if c.Close <= 0 || c.Close > 24*time.Hour || c.Close <= c.Open {
		fe.Add("close", "err.choose_option")
	}
	working := 0
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if !slices.Contains(c.Weekend, wd) {
			working++
		}
	}
	if working == 0 || slices.ContainsFunc(c.Weekend, func(wd time.Weekday) bool { return wd < time.Sunday || wd > time.Saturday }) {
		fe.Add("weekend", "err.choose_option")
	}
	for _, h := range c.Holidays {
		if h.Date.IsZero() {
			fe.Add("holidays", "err.date_invalid")
		}
	}
	return fe
}

// IsWorkingTime reports whether t falls in the working hours of a working day. The hours
// are half open: the opening instant counts, the closing instant does not.
func (c Calendar) IsWorkingTime(t time.Time) bool {
	open, close, ok := c.workingHours(civil(t.In(c.loc())), c.holidayDays())
	return ok && !t.Before(open) && t.Before(close)
}

// AddBusiness returns the instant that is d of working time after start, in UTC. A start
// outside working time begins at the next opening; an allowance that runs out exactly at a
// closing returns that closing, not the next opening. A negative d walks back the same
// way (reminders "4 business hours before due"). d == 0 returns start unchanged, even
// outside working time: nothing is to be counted. It walks day by day, so 10,000 hours
// cost about 1,750 steps; after 20 years without enough working time it gives up and
// returns the day it reached.
func (c Calendar) AddBusiness(start time.Time, d time.Duration) time.Time {
	if d == 0 {
		return start.UTC()
	}
	hol := c.holidayDays()
	day, step, rem := civil(start.In(c.loc())), 24*time.Hour, d.Abs()
	if d < 0 {
		step = -step
	}
	for range maxSearchDays {
		if open, close, ok := c.workingHours(day, hol); ok {
			if d > 0 {
				from := later(open, start)
				if avail := close.Sub(from); avail > 0 {
					if rem <= avail {
						return from.Add(rem).UTC()
					}
					rem -= avail
				}
			} else {
				to := earlier(close, start)
				if avail := to.Sub(open); avail > 0 {
					if rem <= avail {
						return to.Add(-rem).UTC()
					}
					rem -= avail
				}
			}
		}
		day = day.Add(step) // civil days are UTC midnights: no DST, a day is 24 hours
	}
	y, m, dd := day.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, c.loc()).UTC()
}

// BusinessBetween returns the working time between a and b (0 if b <= a). For any start s
// and d >= 0, BusinessBetween(s, AddBusiness(s, d)) == d.
func (c Calendar) BusinessBetween(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	hol, loc := c.holidayDays(), c.loc()
	var sum time.Duration
	last := civil(b.In(loc))
	for day := civil(a.In(loc)); !day.After(last); day = day.Add(24 * time.Hour) {
		if open, close, ok := c.workingHours(day, hol); ok {
			if from, to := later(open, a), earlier(close, b); to.After(from) {
				sum += to.Sub(from)
			}
		}
	}
	return sum
}

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return riyadh
	}
	return c.Location
}

// workingHours returns the working hours of a civil day (a UTC midnight, see civil) as instants,
// or ok false on a weekend day or holiday. The offsets go through time.Date as wall-clock
// time, so 08:00 stays 08:00 on a daylight-saving day.
func (c Calendar) workingHours(day time.Time, holidays []int64) (open, close time.Time, ok bool) {
	if slices.Contains(c.Weekend, day.Weekday()) || slices.Contains(holidays, dayNumber(day)) {
		return open, close, false
	}
	y, m, d := day.Date()
	loc := c.loc()
	open = time.Date(y, m, d, 0, 0, int(c.Open/time.Second), int(c.Open%time.Second), loc)
	close = time.Date(y, m, d, 0, 0, int(c.Close/time.Second), int(c.Close%time.Second), loc)
	return open, close, true
}

// holidayDays returns the holidays as day numbers, computed once per call rather than per day.
func (c Calendar) holidayDays() []int64 {
	if len(c.Holidays) == 0 {
		return nil
	}
	days := make([]int64, len(c.Holidays))
	for i, h := range c.Holidays {
		days[i] = dayNumber(civil(h.Date))
	}
	return days
}

// civil returns t's local date (in t's own location) as a UTC midnight. Stepping civil
// days in UTC is exact, and their weekday is the local weekday.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayNumber numbers a civil day (a UTC midnight) from the Unix epoch.
func dayNumber(day time.Time) int64 { return day.Unix() / 86400 }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
