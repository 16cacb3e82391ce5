package ai

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// testAnalyzer is shared by tests; an Analyzer is read-only after New.
var testAnalyzer = New(Org{
	Departments: []Named{
		{ID: 1, EN: "Radiology Department", AR: "قسم الأشعة"},
		{ID: 2, EN: "Emergency Department", AR: "قسم الطوارئ"},
		{ID: 3, EN: "Dental Clinic", AR: "عيادة الأسنان"},
		{ID: 4, EN: "Physical Therapy", AR: "العلاج الطبيعي"},
	},
	Staff: []Named{
		{ID: 10, EN: "Dr. Sara Al-Qahtani", AR: "د. سارة القحطاني"},
		{ID: 11, EN: "Nurse Noura Al-Otaibi", AR: "الممرضة نورة العتيبي"},
		{ID: 12, EN: "Dr. Sara Al-Harbi", AR: "د. سارة الحربي"},
	},
	Locations: []Named{
		{ID: 20, EN: "North Tower", AR: "البرج الشمالي"},
	},
})

func TestNormalizeArabic(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"diacritics removed", "مُمْتَازٌ", "ممتاز"},
		{"tanween on alef", "جداً", "جدا"},
		{"tatweel removed", "الـــمستشفى", "المستشفي"},
		{"hamza alefs unified", "أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"},
		{"alef maqsura to ya", "مستشفى", "مستشفي"},
		{"ta marbuta to ha", "ممرضة", "ممرضه"},
		{"waw hamza", "مسؤول", "مسوول"},
		{"ya hamza", "سيئة", "سييه"},
		{"persian letters", "کیف", "كيف"},
		{"stretched letters squeezed", "حلووووو", "حلو"},
		{"legitimate double letter kept", "ممرض", "ممرض"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeArabic(tt.in); got != tt.want {
				t.Errorf("normalizeArabic(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStemArabic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"الممرضات", "ممرض"},
		{"بالمواعيد", "مواعيد"},
		{"والغرفه", "غرف"},
		{"للمتابعه", "متابع"},
		{"موعدي", "موعد"},
		{"غرفتي", "غرف"},
		{"بيتي", "بيت"},
		{"الموظفين", "موظف"},
		{"المراجعون", "مراجع"},
		{"ملفها", "ملف"},
		{"عيادتكم", "عياد"},
		{"مستشفانا", "مستشفا"},
		{"الم", "الم"},   // the article is kept when fewer than three letters would remain
		{"الدم", "الدم"}, // likewise
		{"ولد", "ولد"},   // و is part of a three-letter word
		{"بسرعه", "سرع"}, // ب then ه
		{"كتب", "كتب"},   // too short to lose a letter
	}
	for _, tt := range tests {
		if got := stemArabic(tt.in, nil); got != tt.want {
			t.Errorf("stemArabic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Known vocabulary keeps its first letter: فاتوره is not ف + اتوره.
	if got, want := stemArabic("فاتورتي", testAnalyzer.protect), stemArabic("الفاتوره", testAnalyzer.protect); got != want || got != "فاتور" {
		t.Errorf("stemArabic(فاتورتي) = %q and stemArabic(الفاتوره) = %q, want both فاتور", got, want)
	}
	if got := stemArabic("المستشفي", testAnalyzer.protect); got != "مستشفي" {
		t.Errorf("stemArabic(المستشفي) = %q, want مستشفي", got)
	}
	if got := stemArabic("واضح", testAnalyzer.protect); got != "واضح" {
		t.Errorf("stemArabic(واضح) with protection = %q, want واضح", got)
	}
}

func analyze(text string) Result { return testAnalyzer.Analyze(text) }

func TestNegation(t *testing.T) {
	tests := []struct {
		name, text string
		want       func(Result) bool
		desc       string
	}{
		{"Gulf 'not good'", "مو زين", isLabel(Negative), "negative"},
		{"'was not bad'", "ما كان سيء", notLabel(Negative), "not negative"},
		{"'was not bad at all' with a second clause", "ما كان سيء أبداً، الموعد كان في وقته", isLabel(Positive), "positive"},
		{"English 'not bad'", "not bad", notLabel(Negative), "not negative"},
		{"English 'not good'", "The food was not good", isLabel(Negative), "negative"},
		{"'I did not like'", "ما عجبني التعامل", isLabel(Negative), "negative"},
		{"'they did not fall short' is praise", "والله ما قصروا", isLabel(Positive), "positive"},
		{"MSA negation with لم", "لم يرد أحد على اتصالي", isLabel(Negative), "negative"},
		{"negated wait is praise", "ما انتظرت أبداً", isLabel(Positive), "positive"},
		{"'not clean' with غير", "الغرفة غير نظيفة", isLabel(Negative), "negative"},
		{"nobody answered", "no one answered the phone", isLabel(Negative), "negative"},
		{"nobody was rude", "Nobody was rude to me", notLabel(Negative), "not negative"},
		{"negator beyond VADER's window", "They never once made me feel rushed", notLabel(Negative), "not negative"},
		{"without an explanation", "They cancelled it without any explanation", isLabel(Negative), "negative"},
		{"without waiting", "I was seen without waiting", isLabel(Positive), "positive"},
		{"negation stops at a comma", "لا، الخدمة ممتازة", isLabel(Positive), "positive"},
		{"negator written together", "ماقصرتوا", isLabel(Positive), "positive"},
		{"negator written together, complaint", "مايردون على الجوال", isLabel(Negative), "negative"},
		{"'like no other' is praise", "خدمة ولا أروع", isLabel(Positive), "positive"},
		{"و starts a new predicate", "الأكل ما يتاكل وبارد", isLabel(Negative), "negative"},
		{"'before' is not a negation", "إنسان قبل ما يكون طبيب، الله يحفظه", isLabel(Positive), "positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(tt.text)
			if !tt.want(r) {
				t.Errorf("%q: label %s (score %.3f), want %s", tt.text, r.Label, r.Score, tt.desc)
			}
		})
	}
}

func isLabel(l string) func(Result) bool  { return func(r Result) bool { return r.Label == l } }
func notLabel(l string) func(Result) bool { return func(r Result) bool { return r.Label != l } }

func TestIntensifiers(t *testing.T) {
	tests := []struct{ name, stronger, weaker string }{
		{"مره after", "زين مره", "زين"},
		{"مره before", "مره زين", "زين"},
		{"جدا", "ممتاز جدا", "ممتاز"},
		{"وايد", "حلو وايد", "حلو"},
		{"negative intensified", "سيء جداً", "سيء"},
		{"English very", "very good", "good"},
		{"diminisher weakens", "زين", "زين شوي"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, w := analyze(tt.stronger).Score, analyze(tt.weaker).Score
			if abs(s) <= abs(w) {
				t.Errorf("|score(%q)| = %.3f, want more than |score(%q)| = %.3f", tt.stronger, s, tt.weaker, w)
			}
		})
	}
	// "كل مره" means "every time", not "very".
	if a, b := analyze("كل مره زين").Score, analyze("مره زين").Score; a >= b {
		t.Errorf("score(كل مره زين) = %.3f, want less than score(مره زين) = %.3f", a, b)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestQuestionsAndRequestsLeanNeutral(t *testing.T) {
	for _, text := range []string{
		"Please send me my lab report by email.",
		"Is the radiology department open on Friday?",
		"Can I get a sick leave certificate through the portal?",
		"هل تقبلون تأمين بوبا؟",
		"ممكن ترسلون لي التقرير على الإيميل؟",
		"أبغى نسخة من التقرير لو سمحتم",
		"ما هي مواعيد عمل الصيدلية؟",
	} {
		if r := analyze(text); r.Label != Neutral {
			t.Errorf("%q: label %s (score %.3f), want neutral", text, r.Label, r.Score)
		}
	}
	// A "why" question is a complaint.
	if r := analyze("ليش كل مرة يقولون النظام عطلان؟"); r.Label != Negative {
		t.Errorf("why-question: label %s, want negative", r.Label)
	}
}

func TestDomainCues(t *testing.T) {
	tests := []struct{ text, want string }{
		{"I waited three hours to see the doctor", Negative},
		{"My operation was postponed twice", Negative},
		{"No one answered the call button", Negative},
		{"The receptionist was rude", Negative},
		{"They lost my file", Negative},
		{"I was discharged on time", Positive},
		{"The doctor explained everything", Positive},
		{"The lab called me the same day", Positive},
		{"What time does the pharmacy close?", Neutral},
		{"Seen in less than 10 minutes", Positive},
		{"انتظرت ثلاث ساعات", Negative},
		{"ساعتين ونص انتظار", Negative},
		{"ما أحد يرد على الجوال", Negative},
		{"الأكل بارد وما له طعم", Negative},
		{"ما انتظرت أكثر من عشر دقائق", Positive},
		{"الله يعطيهم العافية", Positive},
		{"عادي", Neutral},
		{"The visit was average", Neutral},
		{"The nurse was okay but the doctor was terrible", Negative},
		{"Staff were friendly, however my surgery was cancelled without notice", Negative},
		{"تجربة جميلة بشكل عام، بس ياليت الأكل يكون أحسن", Positive},
		{"Good overall, the food could be warmer", Positive},
		{"أقرب موعد بعد شهرين", Negative},
		{"10/10", Positive},
		{"1/10 would not come back", Negative},
		{"5 stars", Positive},
		{"appointment on 5/10", Neutral},
	}
	for _, tt := range tests {
		if r := analyze(tt.text); r.Label != tt.want {
			t.Errorf("%q: label %s (score %.3f), want %s", tt.text, r.Label, r.Score, tt.want)
		}
	}
}

func TestLanguageDetection(t *testing.T) {
	tests := []struct{ text, want string }{
		{"The nurses were kind", "en"},
		{"الممرضات لطيفات", "ar"},
		{"الـ ER كان زحمة مره والممرضة ما ردت علي", "ar"},
		{"The doctor was ممتاز", "en"},
		{"الـ nurses كانوا very professional وما قصروا", "mixed"},
		{"waited 3 hours والدكتور ما جا", "mixed"},
		{"👍", "en"},
	}
	for _, tt := range tests {
		if got := analyze(tt.text).Lang; got != tt.want {
			t.Errorf("%q: lang %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestMixedTextCombinesBothScripts(t *testing.T) {
	if r := analyze("الـ nurses كانوا very professional وما قصروا"); r.Label != Positive {
		t.Errorf("mixed praise: %s (%.3f)", r.Label, r.Score)
	}
	if r := analyze("waited 3 hours والدكتور ما جا"); r.Label != Negative {
		t.Errorf("mixed complaint: %s (%.3f)", r.Label, r.Score)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"mobile 05", "call me on 0501234567 please", "call me on [PHONE] please"},
		{"mobile with spaces", "جوالي 050 123 4567", "جوالي [PHONE]"},
		{"mobile with dashes", "050-123-4567", "[PHONE]"},
		{"+966", "+966501234567", "[PHONE]"},
		{"+966 grouped", "رقمي +966 50 123 4567 شكرا", "رقمي [PHONE] شكرا"},
		{"00966", "00966501234567", "[PHONE]"},
		{"9665 without plus", "966501234567", "[PHONE]"},
		{"Arabic-Indic digits", "٠٥٠١٢٣٤٥٦٧", "[PHONE]"},
		{"landline", "011 234 5678", "[PHONE]"},
		{"unified number", "call 920012345", "call [PHONE]"},
		{"MRN", "MRN 123456", "[MRN]"},
		{"MRN with colon", "my MRN: 1234567, thanks", "my [MRN], thanks"},
		{"Arabic MRN", "رقم الملف 123456", "[MRN]"},
		{"Arabic MRN with conjunction", "ورقم ملفي ٤٥٦٧٨٩", "[MRN]"},
		{"national ID", "هويتي 1098765432", "هويتي [ID]"},
		{"iqama", "iqama 2123456789", "iqama [ID]"},
		{"ID glued to a word", "ID1098765432", "ID[ID]"},
		{"email", "write to a.b-c@hospital.com.sa.", "write to [EMAIL]."},
		{"several", "0501234567 or x@y.com", "[PHONE] or [EMAIL]"},
		{"hours and rooms kept", "waited 3 hours in room 312", "waited 3 hours in room 312"},
		{"amounts and years kept", "paid 2,300 SAR in 2024", "paid 2,300 SAR in 2024"},
		{"Arabic counts kept", "انتظرت ٣ ساعات في غرفة ٢١٤", "انتظرت ٣ ساعات في غرفة ٢١٤"},
		{"10 digits starting with 3 kept", "3123456789", "3123456789"},
		{"11 digits kept", "12345678901", "12345678901"},
		{"bare @ kept", "meet @ 5", "meet @ 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPIIEntities(t *testing.T) {
	text := "اتصلوا على 0501234567 أو a@b.sa، رقم الملف 556677 وهويتي 1234567890"
	r := analyze(text)
	var got []string
	for _, e := range r.Entities {
		got = append(got, e.Type+"="+e.Text)
		if text[e.Start:e.End] != e.Text {
			t.Errorf("entity %+v: offsets give %q", e, text[e.Start:e.End])
		}
	}
	want := []string{"phone=0501234567", "email=a@b.sa", "mrn=رقم الملف 556677", "national_id=1234567890"}
	if !slices.Equal(got, want) {
		t.Errorf("entities %v, want %v", got, want)
	}
	for _, k := range r.Keywords {
		if strings.ContainsAny(k, "0123456789@") {
			t.Errorf("keyword %q leaks personal data", k)
		}
	}
}

func TestOrgEntities(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // type:id:text
	}{
		{"English full name", "Is the Radiology Department open?", []string{"department:1:Radiology Department"}},
		{"English alias", "radiology was quick", []string{"department:1:radiology"}},
		{"Arabic with preposition", "راجعت بقسم الأشعة أمس", []string{"department:1:بقسم الأشعة"}},
		{"Arabic alias with article and conjunction", "والطوارئ زحمة", []string{"department:2:والطوارئ"}},
		{"Arabic clinic", "عيادة الاسنان ممتازة", []string{"department:3:عيادة الاسنان"}},
		{"staff full name", "Sara Al-Qahtani was kind", []string{"staff:10:Sara Al-Qahtani"}},
		{"staff full Arabic name with diacritics", "الدكتورة سَارة القحطاني ممتازة", []string{"staff:10:سَارة القحطاني"}},
		{"staff last name after a title", "Dr. Al-Harbi explained everything", []string{"staff:12:Dr. Al-Harbi"}},
		{"ambiguous first name is not guessed", "Dr. Sara was kind", nil},
		{"nurse by first name", "الممرضة نورة ما قصرت", []string{"staff:11:الممرضة نورة"}},
		{"location", "parking near the North Tower", []string{"location:20:North Tower"}},
		{"longest match wins", "Physical Therapy team", []string{"department:4:Physical Therapy"}},
		{"no partial words", "therapy session", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range analyze(tt.text).Entities {
				got = append(got, e.Type+":"+itoa(e.ID)+":"+e.Text)
				if tt.text[e.Start:e.End] != e.Text {
					t.Errorf("offsets of %+v give %q", e, tt.text[e.Start:e.End])
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%q: entities %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestKeywords(t *testing.T) {
	r := analyze("The nurse was rude and the nurse ignored us, the nurse never came back to the room")
	if len(r.Keywords) == 0 || r.Keywords[0] != "nurse" {
		t.Errorf("keywords %v, want nurse first", r.Keywords)
	}
	for _, k := range r.Keywords {
		if testAnalyzer.stopEN[k] {
			t.Errorf("English stop word %q among keywords %v", k, r.Keywords)
		}
	}
	if len(r.Keywords) > maxKeywords {
		t.Errorf("%d keywords, want at most %d", len(r.Keywords), maxKeywords)
	}

	r = analyze("الممرضات في الجناح ما ردوا علي، والممرضة الثانية كانت جيدة جداً مع المرضى")
	for _, k := range r.Keywords {
		if testAnalyzer.stopAR[k] || k == "ما" || k == "في" || k == "جدا" {
			t.Errorf("Arabic stop word %q among keywords %v", k, r.Keywords)
		}
	}
	if len(r.Keywords) == 0 || r.Keywords[0] != "ممرض" {
		t.Errorf("keywords %v, want the stem ممرض first (الممرضات + والممرضة)", r.Keywords)
	}
}

func TestEmotionsAndTopics(t *testing.T) {
	tests := []struct {
		text           string
		emotion, topic string
	}{
		{"Thank you so much to the nurses", "gratitude", ""},
		{"I am furious, the bill was wrong", "anger", "billing_insurance"},
		{"Waited 4 hours in the ER", "frustration", "waiting_time"},
		{"I was so worried before the surgery", "anxiety", "clinical_care"},
		{"Nobody explained anything, I am confused", "confusion", "communication"},
		{"شكراً للدكتورة، الله يعطيها العافية", "gratitude", ""},
		{"الحمامات وسخة والريحة كريهة", "", "cleanliness"},
		{"الفاتورة غلط والتأمين رفض", "", "billing_insurance"},
		{"المواقف زحمة وما لقيت موقف", "", "parking"},
		{"الأكل بارد", "", "food"},
		{"صرفوا لي دواء غلط من الصيدلية", "", "pharmacy"},
		{"ما فهمت شي من كلام الدكتور", "confusion", ""},
		{"Discharge took forever", "", "discharge"},
		{"The pain was unbearable and nobody gave me a painkiller", "", "pain_management"},
		{"نتائج التحاليل تأخرت", "", "lab_results"},
		{"My appointment was cancelled", "", "appointments"},
		{"The room and the bed were old", "", "facilities"},
		{"خايف من العملية", "anxiety", "clinical_care"},
	}
	for _, tt := range tests {
		r := analyze(tt.text)
		if tt.emotion != "" && !slices.Contains(r.Emotions, tt.emotion) {
			t.Errorf("%q: emotions %v, want %s", tt.text, r.Emotions, tt.emotion)
		}
		if tt.topic != "" && !slices.Contains(r.Topics, tt.topic) {
			t.Errorf("%q: topics %v, want %s", tt.text, r.Topics, tt.topic)
		}
	}
	// A negated feeling is not that feeling.
	if r := analyze("I was not worried at all"); slices.Contains(r.Emotions, "anxiety") {
		t.Errorf("'not worried': emotions %v include anxiety", r.Emotions)
	}
}

func TestResultShape(t *testing.T) {
	for _, text := range []string{"", "   ", "N/A", "👍👍👍", "؟؟", "1234", "ممتاز", "Excellent"} {
		r := analyze(text)
		if r.Score < -1 || r.Score > 1 || r.Confidence < 0 || r.Confidence > 1 {
			t.Errorf("%q: score %.3f confidence %.3f out of range", text, r.Score, r.Confidence)
		}
		if r.Label != Positive && r.Label != Neutral && r.Label != Negative {
			t.Errorf("%q: label %q", text, r.Label)
		}
		if r.Keywords == nil || r.Emotions == nil || r.Topics == nil || r.Entities == nil {
			t.Errorf("%q: nil slices in %+v", text, r)
		}
	}
	if r := analyze("N/A"); r.Label != Neutral {
		t.Errorf("N/A: %s", r.Label)
	}
	if r := analyze("👍"); r.Label != Positive {
		t.Errorf("thumbs up: %s", r.Label)
	}
	// Confidence rises with clearer, agreeing evidence.
	if strong, weak := analyze("Excellent, amazing staff, thank you!").Confidence, analyze("The nurse was nice but slow").Confidence; strong <= weak {
		t.Errorf("confidence of clear praise %.2f, want more than mixed comment %.2f", strong, weak)
	}
}

func TestConcurrentUse(t *testing.T) {
	texts := []string{"Waited 4 hours", "ممتاز جدا", "الـ ER زحمة", "Please call me on 0501234567", "Radiology was great"}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = analyze(s)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				i := n % len(texts)
				if got := analyze(texts[i]); got.Score != want[i].Score || got.Label != want[i].Label {
					errs <- texts[i]
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("concurrent Analyze(%q) differs from sequential", s)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range benchComments {
		f.Add(s)
	}
	f.Add("+966 50 123 4567 x@y.co MRN 12345 رقم الملف ١٢٣٤٥")
	f.Fuzz(func(t *testing.T, text string) {
		r := testAnalyzer.Analyze(text)
		if r.Score < -1 || r.Score > 1 || r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("out of range: %+v", r)
		}
		for _, e := range r.Entities {
			if e.Start < 0 || e.End > len(text) || e.Start >= e.End || text[e.Start:e.End] != e.Text {
				t.Fatalf("bad entity %+v", e)
			}
		}
		red := Redact(text)
		for _, e := range r.Entities {
			if p := placeholder(e.Type); p != "" && !strings.Contains(red, p) {
				t.Fatalf("Redact(%q) = %q misses %s", text, red, e.Type)
			}
		}
	})
}
