package app

import (
	"math/rand/v2"
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

// at is a local wall-clock time, for readable tables.
func at(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

func TestAddBusiness(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	std := DefaultCalendar(riy)
	withHolidays := func(days ...time.Time) Calendar {
		c := DefaultCalendar(riy)
		for _, d := range days {
			c.Holidays = append(c.Holidays, Holiday{Date: d, NameEN: "Holiday", NameAR: "إجازة"})
		}
		return c
	}
	eid := withHolidays(LocalDay(2026, 11, 29, riy), LocalDay(2026, 11, 30, riy), LocalDay(2026, 12, 1, riy), LocalDay(2026, 12, 2, riy))
	// A holiday stored as a UTC midnight (as read back from the database) names the same day.
	utcHoliday := withHolidays(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))

	dubai := Calendar{Location: mustZone(t, "Asia/Dubai"), Weekend: []time.Weekday{time.Saturday, time.Sunday}, Open: 7*time.Hour + 30*time.Minute, Close: 15*time.Hour + 30*time.Minute}
	ldn := mustZone(t, "Europe/London")
	london := Calendar{Location: ldn, Weekend: []time.Weekday{time.Saturday, time.Sunday}, Open: 9 * time.Hour, Close: 17 * time.Hour}

	tests := []struct {
		name  string
		cal   Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"issue example: Thursday 14:00 plus 24 business hours is Tuesday 14:00", std, at(riy, 2026, 11, 26, 14, 0), 24 * time.Hour, at(riy, 2026, 12, 1, 14, 0)},
		{"start before opening begins at 08:00", std, at(riy, 2026, 11, 29, 6, 0), 8 * time.Hour, at(riy, 2026, 11, 29, 16, 0)},
		{"start after closing begins next working morning", std, at(riy, 2026, 11, 26, 18, 0), 8 * time.Hour, at(riy, 2026, 11, 29, 16, 0)},
		{"start on Friday begins Sunday", std, at(riy, 2026, 11, 27, 10, 0), 2 * time.Hour, at(riy, 2026, 11, 29, 10, 0)},
		{"allowance ending at closing returns the closing", std, at(riy, 2026, 11, 26, 8, 0), 8 * time.Hour, at(riy, 2026, 11, 26, 16, 0)},
		{"one minute more spills to Sunday", std, at(riy, 2026, 11, 26, 8, 0), 8*time.Hour + time.Minute, at(riy, 2026, 11, 29, 8, 1)},
		{"zero hours returns start unchanged, even on Friday", std, at(riy, 2026, 11, 27, 10, 0), 0, at(riy, 2026, 11, 27, 10, 0)},
		{"holiday Monday pushes due to Wednesday", withHolidays(LocalDay(2026, 11, 30, riy)), at(riy, 2026, 11, 26, 14, 0), 24 * time.Hour, at(riy, 2026, 12, 2, 14, 0)},
		{"holiday given as UTC midnight is the same day", utcHoliday, at(riy, 2026, 11, 26, 14, 0), 24 * time.Hour, at(riy, 2026, 12, 2, 14, 0)},
		{"four-day Eid Sunday to Wednesday is skipped", eid, at(riy, 2026, 11, 26, 14, 0), 24 * time.Hour, at(riy, 2026, 12, 7, 14, 0)},
		{"starting inside Eid begins after it", eid, at(riy, 2026, 11, 30, 9, 0), 3 * time.Hour, at(riy, 2026, 12, 3, 11, 0)},
		{"backwards: 4 hours before Tuesday 10:00 is Monday 14:00", std, at(riy, 2026, 12, 1, 10, 0), -4 * time.Hour, at(riy, 2026, 11, 30, 14, 0)},
		{"backwards from Saturday starts at Thursday closing", std, at(riy, 2026, 11, 28, 12, 0), -2 * time.Hour, at(riy, 2026, 11, 26, 14, 0)},
		{"backwards ending at opening returns the opening", std, at(riy, 2026, 11, 26, 16, 0), -8 * time.Hour, at(riy, 2026, 11, 26, 8, 0)},
		{"Dubai, weekend Saturday and Sunday: Friday 13:30 plus 8h is Monday 13:30", dubai, at(dubai.Location, 2026, 11, 27, 13, 30), 8 * time.Hour, at(dubai.Location, 2026, 11, 30, 13, 30)},
		{"London across the end of summer time: Friday 15:00 BST plus 11h is Tuesday 10:00 GMT", london, at(ldn, 2026, 10, 23, 15, 0), 11 * time.Hour, at(ldn, 2026, 10, 27, 10, 0)},
		{"London across the start of summer time: Friday 16:00 GMT plus 2h is Monday 10:00 BST", london, at(ldn, 2026, 3, 27, 16, 0), 2 * time.Hour, at(ldn, 2026, 3, 30, 10, 0)},
		{"10,000 business hours is 1,250 working days", std, at(riy, 2026, 1, 4, 8, 0), 10000 * time.Hour, at(riy, 2030, 10, 17, 16, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.AddBusiness(tt.start, tt.d)
			if !got.Equal(tt.want) {
				t.Errorf("AddBusiness(%v, %v) = %v, want %v", tt.start, tt.d, got.In(tt.want.Location()), tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("result in %v, want UTC", got.Location())
			}
		})
	}
}

func TestAddBusinessStopsOnACalendarWithoutWorkingDays(t *testing.T) {
	c := Calendar{Location: time.UTC, Weekend: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, Open: 8 * time.Hour, Close: 16 * time.Hour}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	got := c.AddBusiness(start, time.Hour)
	if years := got.Sub(start).Hours() / 24 / 365; years < 19 || years > 21 {
		t.Errorf("AddBusiness gave up after %.1f years, want about 20", years)
	}
	if got := c.BusinessBetween(start, start.AddDate(5, 0, 0)); got != 0 {
		t.Errorf("BusinessBetween = %v, want 0", got)
	}
}

func TestBusinessBetween(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	std := DefaultCalendar(riy)
	ldn := mustZone(t, "Europe/London")
	allDay := Calendar{Location: ldn, Open: 0, Close: 24 * time.Hour}
	tests := []struct {
		name string
		cal  Calendar
		a, b time.Time
		want time.Duration
	}{
		{"issue example back again", std, at(riy, 2026, 11, 26, 14, 0), at(riy, 2026, 12, 1, 14, 0), 24 * time.Hour},
		{"b before a is zero", std, at(riy, 2026, 12, 1, 14, 0), at(riy, 2026, 11, 26, 14, 0), 0},
		{"a weekend counts nothing", std, at(riy, 2026, 11, 26, 16, 0), at(riy, 2026, 11, 29, 8, 0), 0},
		{"within one day", std, at(riy, 2026, 11, 29, 7, 0), at(riy, 2026, 11, 29, 9, 30), 90 * time.Minute},
		{"London local day of the clock change back has 25 hours", allDay, at(ldn, 2026, 10, 25, 0, 0), at(ldn, 2026, 10, 26, 0, 0), 25 * time.Hour},
		{"London local day of the clock change forward has 23 hours", allDay, at(ldn, 2026, 3, 29, 0, 0), at(ldn, 2026, 3, 30, 0, 0), 23 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.BusinessBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("BusinessBetween = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBusinessBetweenInvertsAddBusiness walks a few hundred deterministic random starts and
// durations, forwards and backwards, in a calendar with holidays and one with DST.
func TestBusinessBetweenInvertsAddBusiness(t *testing.T) {
	riy, ldn := mustZone(t, "Asia/Riyadh"), mustZone(t, "Europe/London")
	saudi := DefaultCalendar(riy)
	saudi.Holidays = []Holiday{{Date: LocalDay(2026, 3, 19, riy)}, {Date: LocalDay(2026, 3, 22, riy)}, {Date: LocalDay(2026, 9, 23, riy)}}
	london := Calendar{Location: ldn, Weekend: []time.Weekday{time.Sunday}, Open: 30 * time.Minute, Close: 23*time.Hour + 45*time.Minute}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []Calendar{saudi, london} {
		for range 300 {
			start := base.Add(time.Duration(rng.IntN(365*24*60)) * time.Minute)
			d := time.Duration(rng.IntN(300*60)) * time.Minute
			end := c.AddBusiness(start, d)
			if got := c.BusinessBetween(start, end); got != d {
				t.Fatalf("%s: BusinessBetween(%v, AddBusiness(.., %v) = %v) = %v", c.Location, start, d, end, got)
			}
			if d > 0 && !c.IsWorkingTime(end.Add(-time.Nanosecond)) {
				t.Fatalf("%s: AddBusiness(%v, %v) = %v ends outside working time", c.Location, start, d, end)
			}
			back := c.AddBusiness(start, -d)
			if got := c.BusinessBetween(back, start); got != d {
				t.Fatalf("%s: BusinessBetween(AddBusiness(%v, -%v) = %v, start) = %v", c.Location, start, d, back, got)
			}
			if d > 0 && !c.IsWorkingTime(back) {
				t.Fatalf("%s: AddBusiness(%v, -%v) = %v starts outside working time", c.Location, start, d, back)
			}
		}
	}
}

// TestBusinessBetweenMatchesCountingMinutes checks the day arithmetic against the obvious
// slow method: count the working minutes one by one.
func TestBusinessBetweenMatchesCountingMinutes(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	c := DefaultCalendar(riy)
	c.Holidays = []Holiday{{Date: LocalDay(2026, 5, 26, riy)}}
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	for range 20 {
		a := base.Add(time.Duration(rng.IntN(10*24*60)) * time.Minute)
		b := a.Add(time.Duration(rng.IntN(9*24*60)) * time.Minute)
		var want time.Duration
		for m := a; m.Before(b); m = m.Add(time.Minute) {
			if c.IsWorkingTime(m) {
				want += time.Minute
			}
		}
		if got := c.BusinessBetween(a, b); got != want {
			t.Fatalf("BusinessBetween(%v, %v) = %v, counting minutes gives %v", a, b, got, want)
		}
	}
}

func TestIsWorkingTime(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	c := DefaultCalendar(riy)
	c.Holidays = []Holiday{{Date: LocalDay(2026, 11, 30, riy)}}
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"opening instant counts", at(riy, 2026, 11, 29, 8, 0), true},
		{"closing instant does not", at(riy, 2026, 11, 29, 16, 0), false},
		{"before opening", at(riy, 2026, 11, 29, 7, 59), false},
		{"Friday", at(riy, 2026, 11, 27, 10, 0), false},
		{"holiday", at(riy, 2026, 11, 30, 10, 0), false},
		{"same instant given in UTC", time.Date(2026, 11, 29, 5, 0, 0, 0, time.UTC), true},
		{"UTC date differs from local date: Sunday 02:00 local is Saturday in UTC", time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkingTime(tt.t); got != tt.want {
				t.Errorf("IsWorkingTime(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

// TestWorkingHoursAreWallClock checks that on the day London's clocks go back (a 25-hour
// day) work still starts at 09:00 and ends at 17:00 local time.
func TestWorkingHoursAreWallClock(t *testing.T) {
	ldn := mustZone(t, "Europe/London")
	c := Calendar{Location: ldn, Open: 9 * time.Hour, Close: 17 * time.Hour}
	tests := []struct {
		t    time.Time
		want bool
	}{
		{at(ldn, 2026, 10, 25, 8, 30), false},
		{at(ldn, 2026, 10, 25, 9, 0), true},
		{at(ldn, 2026, 10, 25, 16, 30), true},
		{at(ldn, 2026, 10, 25, 17, 0), false},
	}
	for _, tt := range tests {
		if got := c.IsWorkingTime(tt.t); got != tt.want {
			t.Errorf("IsWorkingTime(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
	if got := c.BusinessBetween(at(ldn, 2026, 10, 25, 0, 0), at(ldn, 2026, 10, 26, 0, 0)); got != 8*time.Hour {
		t.Errorf("BusinessBetween over the 25-hour day = %v, want 8h", got)
	}
}

func TestNilLocationIsRiyadh(t *testing.T) {
	c := DefaultCalendar(nil)
	riy := mustZone(t, "Asia/Riyadh")
	got := c.AddBusiness(at(riy, 2026, 11, 26, 14, 0), 24*time.Hour)
	if want := at(riy, 2026, 12, 1, 14, 0); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCalendarValidate(t *testing.T) {
	riy := mustZone(t, "Asia/Riyadh")
	tests := []struct {
		name   string
		change func(*Calendar)
		fields []string
	}{
		{"default is valid", func(*Calendar) {}, nil},
		{"all day is valid", func(c *Calendar) { c.Open, c.Close = 0, 24*time.Hour }, nil},
		{"no location", func(c *Calendar) { c.Location = nil }, []string{"location"}},
		{"closing before opening", func(c *Calendar) { c.Open, c.Close = 16*time.Hour, 8*time.Hour }, []string{"close"}},
		{"closing equals opening", func(c *Calendar) { c.Close = c.Open }, []string{"close"}},
		{"opening negative", func(c *Calendar) { c.Open = -time.Hour }, []string{"open"}},
		{"closing after midnight", func(c *Calendar) { c.Close = 25 * time.Hour }, []string{"close"}},
		{"every day a weekend day", func(c *Calendar) { c.Weekend = []time.Weekday{0, 1, 2, 3, 4, 5, 6} }, []string{"weekend"}},
		{"weekend day out of range", func(c *Calendar) { c.Weekend = []time.Weekday{7} }, []string{"weekend"}},
		{"holiday without a date", func(c *Calendar) { c.Holidays = []Holiday{{NameEN: "Eid"}} }, []string{"holidays"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultCalendar(riy)
			tt.change(&c)
			fe := c.Validate()
			if got := fe.Names(); len(got) != len(tt.fields) || (len(got) > 0 && got[0] != tt.fields[0]) {
				t.Errorf("Validate() fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func BenchmarkAddBusiness(b *testing.B) {
	riy := mustZone(b, "Asia/Riyadh")
	c := DefaultCalendar(riy)
	for m := time.January; m <= time.December; m++ {
		c.Holidays = append(c.Holidays, Holiday{Date: LocalDay(2026, m, 10, riy)})
	}
	start := at(riy, 2026, 11, 26, 14, 0)
	for b.Loop() {
		c.AddBusiness(start, 500*time.Hour)
	}
}
