package views

import (
	"fmt"
	"time"

	"github.com/hablullah/go-hijri"
	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

var hijriMonths = [2][12]string{
	{"Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula", "Jumada al-Akhirah", "Rajab",
		"Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah"},
	{"محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان", "شوال",
		"ذو القعدة", "ذو الحجة"},
}

// HijriDate formats t's date in the Umm al-Qura calendar ("5 Jumada al-Akhirah 1448 AH").
// It returns "" outside the calendar's supported range.
func HijriDate(lang string, t time.Time) string {
	d, err := hijri.CreateUmmAlQuraDate(t)
	if err != nil || d.Month < 1 || d.Month > 12 {
		return ""
	}
	if lang == "ar" {
		return fmt.Sprintf("%d %s %d هـ", d.Day, hijriMonths[1][d.Month-1], d.Year)
	}
	return fmt.Sprintf("%d %s %d AH", d.Day, hijriMonths[0][d.Month-1], d.Year)
}

func (f Frame) loc() *time.Location {
	if f.Location != nil {
		return f.Location
	}
	return app.Riyadh()
}

// DateTime renders t in the frame's time zone as a <time> element, with the Hijri date
// beside it when the user asked for it.
func (f Frame) DateTime(t time.Time) g.Node {
	if t.IsZero() {
		return g.Text("—")
	}
	local := t.In(f.loc())
	text := local.Format("2006-01-02 15:04")
	if f.Hijri {
		if hd := HijriDate(f.Lang, local); hd != "" {
			text += " · " + hd
		}
	}
	return h.Time(h.DateTime(t.UTC().Format(time.RFC3339)), h.Dir("ltr"), g.Text(text))
}

// Date renders a calendar date (no time zone shift: birth dates are dates).
func (f Frame) Date(t time.Time) g.Node {
	if t.IsZero() {
		return g.Text("—")
	}
	text := t.Format("2006-01-02")
	if f.Hijri {
		if hd := HijriDate(f.Lang, t); hd != "" {
			text += " · " + hd
		}
	}
	return h.Time(h.DateTime(t.Format("2006-01-02")), g.Text(text))
}
