package ai

import "strings"

// ratingCue scores explicit ratings such as "10/10", "2/5" or "1 star":
// clearly high or low ratings only, so dates like "5/10" stay neutral.
func ratingCue(d *doc) float64 {
	cue := 0.0
	text := d.text
	for i := strings.IndexByte(text, '/'); i >= 0; {
		num, den := digitsBefore(text, i), digitsAfter(text, i+1)
		if den == 5 || den == 10 || den == 100 {
			if num >= 0 && num <= den && !dateContext(text, i) {
				cue += ratingValence(float64(num) / float64(den))
			}
		}
		next := strings.IndexByte(text[i+1:], '/')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	for k := 1; k < len(d.toks); k++ {
		t, p := &d.toks[k], &d.toks[k-1]
		if (t.norm == "star" || t.norm == "stars") && p.kind == tokNumber {
			if n := atoiSmall(p.norm); n >= 0 && n <= 5 {
				cue += ratingValence(float64(n) / 5)
			}
		}
	}
	return cue
}

func ratingValence(r float64) float64 {
	switch {
	case r >= 0.8:
		return 1 + 5*(r-0.8) // 8/10 → 1, 10/10 → 2
	case r <= 0.3:
		return -1 - 5*(0.3-r) // 3/10 → -1, 0/10 → -2.5
	}
	return 0
}

// dateContext reports "N/M" that is part of a longer date ("5/10/1445") or
// follows a date word.
func dateContext(text string, slash int) bool {
	s := slash
	for s > 0 && text[s-1] >= '0' && text[s-1] <= '9' {
		s--
	}
	e := slash + 1
	for e < len(text) && text[e] >= '0' && text[e] <= '9' {
		e++
	}
	if s > 0 && text[s-1] == '/' || e < len(text) && text[e] == '/' {
		return true
	}
	before := strings.ToLower(strings.TrimSpace(text[:s]))
	for _, w := range [...]string{"on", "date", "dated", "في", "يوم", "بتاريخ", "تاريخ"} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

func digitsBefore(text string, i int) int {
	s := i
	for s > 0 && text[s-1] == ' ' {
		s--
	}
	e := s
	for s > 0 && text[s-1] >= '0' && text[s-1] <= '9' && e-s < 3 {
		s--
	}
	if s == e {
		return -1
	}
	return atoiSmall(text[s:e])
}

func digitsAfter(text string, i int) int {
	for i < len(text) && text[i] == ' ' {
		i++
	}
	e := i
	for e < len(text) && text[e] >= '0' && text[e] <= '9' && e-i < 3 {
		e++
	}
	if e == i || e < len(text) && text[e] >= '0' && text[e] <= '9' {
		return -1
	}
	return atoiSmall(text[i:e])
}

func atoiSmall(s string) int {
	if s == "" || len(s) > 3 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
