package ai

import "testing"

// benchComments is a mix of short English, Arabic and mixed comments.
var benchComments = []string{
	"Waited 4 hours in the ER before anyone even checked my vitals.",
	"The nurses were so caring, thank you!",
	"Please send me my lab report by email.",
	"Not bad at all, the clinic ran on time.",
	"Parking is a nightmare, I circled for 30 minutes.",
	"الدكتور ممتاز بس التأخير في المواعيد شي ما يتحمل",
	"مره زين، الله يعطيهم العافية",
	"الحمامات غير نظيفة والمناشف ما تتغير",
	"متى يفتح قسم الأشعة يوم السبت؟",
	"كل مره أتصل على الرقم الموحد ما أحد يرد",
	"الـ appointment تأجل ثلاث مرات والـ system دايم واقف",
	"Thank you يا دكتور سارة، الله يعطيك العافية",
	"My number is 0501234567, MRN 445566.",
	"ما كان سيء أبداً، الموعد كان في وقته",
	"Discharge took 7 hours after the doctor signed it. Why??",
	"عادي",
}

func BenchmarkAnalyze(b *testing.B) {
	a := New(Org{
		Departments: []Named{{ID: 1, EN: "Radiology Department", AR: "قسم الأشعة"}, {ID: 2, EN: "Emergency Department", AR: "قسم الطوارئ"}},
		Staff:       []Named{{ID: 10, EN: "Dr. Sara Al-Qahtani", AR: "د. سارة القحطاني"}},
	})
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		a.Analyze(benchComments[n%len(benchComments)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "comments/s")
}
