package app

// The question bank: ready questions on the usual patient-experience themes, in English
// and Arabic, written for PX360. Editors copy them into templates (the copy keeps its
// Bank key, so results can be compared across templates).

// bankQ builds a required bank question; ratings, Likert and yes/no count towards the score.
func bankQ(key string, t QuestionType, en, ar string) Question {
	q := Question{ID: key, Bank: key, Type: t, TextEN: en, TextAR: ar, Required: true}
	switch t {
	case QRating, QLikert, QYesNo:
		q.Scored = true
	}
	return q
}

// QuestionBank lists the bank's questions by theme.
var QuestionBank = []Question{
	bankQ("nurse_courtesy", QRating, "How well did the nurses treat you with courtesy and respect?",
		"كيف تقيّم تعامل الممرضين معك بلطف واحترام؟"),
	bankQ("nurse_listen", QRating, "How well did the nurses listen carefully to you?",
		"إلى أي مدى أصغى إليك الممرضون باهتمام؟"),
	bankQ("nurse_explain", QRating, "How well did the nurses explain things in a way you could understand?",
		"إلى أي مدى شرح لك الممرضون الأمور بطريقة مفهومة؟"),
	bankQ("doctor_courtesy", QRating, "How well did the doctors treat you with courtesy and respect?",
		"كيف تقيّم تعامل الأطباء معك بلطف واحترام؟"),
	bankQ("doctor_explain", QRating, "How well did the doctors explain your condition and treatment?",
		"إلى أي مدى شرح لك الأطباء حالتك وعلاجك بوضوح؟"),
	bankQ("responsiveness", QRating, "When you asked for help, how quickly did you get it?",
		"عندما طلبت المساعدة، ما مدى سرعة الاستجابة لك؟"),
	bankQ("cleanliness", QRating, "How clean were your room and bathroom?",
		"ما مدى نظافة غرفتك ودورة المياه؟"),
	bankQ("quiet", QRating, "How quiet was the area around your room at night?",
		"ما مدى الهدوء حول غرفتك أثناء الليل؟"),
	bankQ("pain", QLikert, "The staff did everything they could to help with your pain.",
		"بذل الطاقم كل ما في وسعه لتخفيف ألمك."),
	bankQ("medicines", QLikert, "Before giving you a new medicine, staff told you what it was for and its side effects.",
		"قبل إعطائك دواءً جديداً، أخبرك الطاقم بالغرض منه وآثاره الجانبية."),
	bankQ("discharge_info", QYesNo, "Did you get written information about symptoms to look out for after you left?",
		"هل حصلت على معلومات مكتوبة عن الأعراض التي يجب الانتباه لها بعد خروجك؟"),
	bankQ("waiting_time", QRating, "How satisfied were you with the waiting time?", "ما مدى رضاك عن مدة الانتظار؟"),
	bankQ("overall", QRating, "Overall, how would you rate your experience at the hospital?",
		"بشكل عام، كيف تقيّم تجربتك في المستشفى؟"),
	bankQ("recommend", QNPS, "How likely are you to recommend this hospital to your friends and family?",
		"ما مدى احتمال أن توصي أصدقاءك وعائلتك بهذا المستشفى؟"),
	{ID: "comments", Bank: "comments", Type: QLongText, TextEN: "Is there anything else you would like to tell us?",
		TextAR: "هل هناك أي شيء آخر تود إخبارنا به؟"},
	{ID: "improve", Bank: "improve", Type: QShortText, TextEN: "What one thing could we do better?",
		TextAR: "ما الأمر الذي يمكننا تحسينه؟"},
}

// BankQuestion returns the bank question with key.
func BankQuestion(key string) (Question, bool) {
	for _, q := range QuestionBank {
		if q.Bank == key {
			return q, true
		}
	}
	return Question{}, false
}

func bank(keys ...string) []Question {
	out := make([]Question, 0, len(keys))
	for _, k := range keys {
		q, _ := BankQuestion(k)
		out = append(out, q)
	}
	return out
}

// DefaultSurveyTemplates are the templates a new installation starts with (group-wide).
func DefaultSurveyTemplates() []SurveyTemplate {
	six := 6
	overallLow := []string{"1", "2"}
	inpatient := SurveyDefinition{
		IntroEN: "Thank you for staying with us. This survey takes about three minutes.",
		IntroAR: "شكراً لإقامتك معنا. يستغرق هذا الاستبيان نحو ثلاث دقائق.",
		Sections: []SurveyPage{
			{ID: "care", TitleEN: "Your care", TitleAR: "رعايتك", Questions: bank("nurse_courtesy", "nurse_listen", "doctor_courtesy", "doctor_explain", "responsiveness")},
			{ID: "stay", TitleEN: "Your stay", TitleAR: "إقامتك", Questions: bank("cleanliness", "quiet", "pain", "medicines", "discharge_info")},
			{ID: "overall_page", TitleEN: "Overall", TitleAR: "بشكل عام", Questions: append(bank("overall", "recommend"),
				Question{ID: "what_wrong", Type: QLongText, TextEN: "We are sorry. What went wrong?", TextAR: "نأسف لذلك. ما الذي لم يكن على ما يرام؟",
					ShowIf: &Condition{Question: "overall", Op: "eq", Values: overallLow}},
				Question{ID: "comments", Bank: "comments", Type: QLongText, TextEN: "Is there anything else you would like to tell us?",
					TextAR: "هل هناك أي شيء آخر تود إخبارنا به؟"})},
		},
		Negative: NegativeRule{ScoreBelow: 60, NPSAtMost: &six, FlaggedAtMost: 2},
	}
	inpatient.Sections[2].Questions[0].Flagged = true
	outpatient := SurveyDefinition{
		IntroEN: "Thank you for visiting our clinic. Two minutes, five questions.",
		IntroAR: "شكراً لزيارتك عيادتنا. دقيقتان وخمسة أسئلة.",
		Sections: []SurveyPage{
			{ID: "visit", TitleEN: "Your visit", TitleAR: "زيارتك", Questions: bank("waiting_time", "doctor_courtesy", "doctor_explain", "overall", "recommend", "improve")},
		},
		Negative: NegativeRule{ScoreBelow: 60, NPSAtMost: &six, FlaggedAtMost: 2},
	}
	outpatient.Sections[0].Questions[3].Flagged = true
	yes := 100
	no := 0
	resolution := SurveyDefinition{
		Sections: []SurveyPage{{ID: "resolution", TitleEN: "Your complaint", TitleAR: "شكواك", Questions: []Question{
			{ID: "satisfied", Type: QSingle, Required: true, Scored: true, TextEN: "Are you satisfied with how your complaint was resolved?",
				TextAR: "هل أنت راضٍ عن طريقة حل شكواك؟", Options: []Option{
					{Value: "yes", LabelEN: "Yes, satisfied", LabelAR: "نعم، راضٍ", Score: &yes},
					{Value: "no", LabelEN: "No, not satisfied", LabelAR: "لا، غير راضٍ", Score: &no}}},
			{ID: "why_not", Type: QLongText, TextEN: "What is still not right?", TextAR: "ما الذي لم يُحلّ بعد؟",
				ShowIf: &Condition{Question: "satisfied", Op: "eq", Values: []string{"no"}}},
		}}},
		Negative: NegativeRule{ScoreBelow: 50},
	}
	ward := SurveyDefinition{
		IntroEN:  "Your feedback is anonymous. Thank you for helping us improve.",
		IntroAR:  "رأيك مجهول الهوية. شكراً لمساعدتنا على التحسن.",
		Sections: []SurveyPage{{ID: "ward", TitleEN: "Today", TitleAR: "اليوم", Questions: bank("cleanliness", "responsiveness", "overall", "comments")}},
		Negative: NegativeRule{ScoreBelow: 60, FlaggedAtMost: 2},
	}
	ward.Sections[0].Questions[2].Flagged = true
	return []SurveyTemplate{
		{Kind: SurveyGeneral, NameEN: "Inpatient experience", NameAR: "تجربة المريض المنوّم", Def: inpatient, ReminderHours: 48, ExpiryDays: 14},
		{Kind: SurveyGeneral, NameEN: "Outpatient visit", NameAR: "زيارة العيادات الخارجية", Def: outpatient, ReminderHours: 24, ExpiryDays: 7},
		{Kind: SurveyResolution, NameEN: "Complaint resolution satisfaction", NameAR: "الرضا عن حل الشكوى", Def: resolution, ReminderHours: 48, ExpiryDays: 14},
		{Kind: SurveyWard, NameEN: "Ward feedback (anonymous)", NameAR: "رأيك في القسم (مجهول الهوية)", Def: ward, ExpiryDays: 1},
	}
}
