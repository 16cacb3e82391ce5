package complaints

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"px360/app"
	"px360/store"
)

// DuplicateWindow is how far apart (before or after) two complaints may have been created
// and still be offered as possible duplicates.
const DuplicateWindow = 30 * 24 * time.Hour

// Why a complaint is offered as a possible duplicate.
const (
	ReasonSamePatient = "same_patient"
	ReasonSamePhone   = "same_phone"
	ReasonSimilarText = "similar_text"
)

// candidates is how many complaints each source (patient, phone, text) offers at most.
const candidates = 50

// similarWords is how many key words of a complaint's text the similar-text search asks
// for: the index requires every word to match, so few, long words.
const similarWords = 4

// TextSearcher finds complaints of a hospital whose text matches text (a few key words,
// every one required), created in [from, to); implemented over the complaint index.
type TextSearcher interface {
	Similar(ctx context.Context, scope app.Scope, hospitalID int64, text string, from, to time.Time, limit int) ([]int64, error)
}

// Duplicate is a complaint that may be about the same matter, and why it is offered.
type Duplicate struct {
	Complaint app.Complaint
	Reasons   []string // ReasonSamePatient, ReasonSamePhone, ReasonSimilarText, in that order
}

// Duplicates finds and merges duplicate complaints. It is separate from Service so the
// complaint index can be given to it without changing New; text may be nil (similar text
// is then not looked for).
type Duplicates struct {
	svc  *Service
	text TextSearcher
}

// NewDuplicates returns the duplicate finder over the complaint service; text may be nil.
func NewDuplicates(svc *Service, text TextSearcher) *Duplicates {
	return &Duplicates{svc: svc, text: text}
}

// PossibleDuplicates lists up to limit complaints of c's hospital, created within
// DuplicateWindow of c and not merged, with the same patient, the same contact phone or
// similar text; those with more reasons come first, then the nearest in time. A merged
// complaint has none.
func (d *Duplicates) PossibleDuplicates(ctx context.Context, by app.Principal, c app.Complaint, limit int) ([]Duplicate, error) {
	if !by.Can(app.PermComplaintView) {
		return nil, app.ErrForbidden
	}
	if !by.Scope.Allows(c.HospitalID) {
		return nil, app.ErrNotFound
	}
	if c.MergedInto != 0 {
		return nil, nil
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	// Each source fetches more than is shown, so ranking by reasons sees enough candidates.
	q := store.DuplicateQuery{Scope: by.Scope, HospitalID: c.HospitalID, ExcludeID: c.ID,
		From: c.CreatedAt.Add(-DuplicateWindow), To: c.CreatedAt.Add(DuplicateWindow), Limit: candidates}
	found := map[int64]*Duplicate{}
	var order []int64
	add := func(cs []app.Complaint, reason string) {
		for _, x := range cs {
			dup, ok := found[x.ID]
			if !ok {
				dup = &Duplicate{Complaint: x}
				found[x.ID] = dup
				order = append(order, x.ID)
			}
			dup.Reasons = append(dup.Reasons, reason)
		}
	}
	st := d.svc.st
	byPatient, err := st.ComplaintsOfPatient(ctx, q, c.PatientID)
	if err != nil {
		return nil, fmt.Errorf("duplicates of complaint %d: %w", c.ID, err)
	}
	add(byPatient, ReasonSamePatient)
	byPhone, err := st.ComplaintsOfPhone(ctx, q, c.ContactPhone)
	if err != nil {
		return nil, fmt.Errorf("duplicates of complaint %d: %w", c.ID, err)
	}
	add(byPhone, ReasonSamePhone)
	if words := KeyWords(c.Title+" "+c.Description, similarWords); d.text != nil && len(words) > 0 {
		ids, err := d.text.Similar(ctx, by.Scope, c.HospitalID, strings.Join(words, " "), q.From, q.To.Add(time.Microsecond), candidates)
		if err != nil {
			return nil, fmt.Errorf("similar complaints to %d: %w", c.ID, err)
		}
		similar, err := st.ComplaintsAmong(ctx, q, ids)
		if err != nil {
			return nil, fmt.Errorf("duplicates of complaint %d: %w", c.ID, err)
		}
		add(similar, ReasonSimilarText)
	}
	out := make([]Duplicate, 0, len(order))
	for _, id := range order {
		out = append(out, *found[id])
	}
	distance := func(t time.Time) time.Duration { return max(t.Sub(c.CreatedAt), c.CreatedAt.Sub(t)) }
	slices.SortStableFunc(out, func(a, b Duplicate) int {
		if n := cmp.Compare(len(b.Reasons), len(a.Reasons)); n != 0 {
			return n
		}
		return cmp.Compare(distance(a.Complaint.CreatedAt), distance(b.Complaint.CreatedAt))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// KeyWords returns up to n distinct words of text, longest first (ties in text order):
// the words that best tell one complaint from another, since long words are seldom stop
// words. Words shorter than three letters and numbers are left out; case and Arabic
// diacritics do not make words distinct.
func KeyWords(text string, n int) []string {
	if n <= 0 {
		return nil
	}
	type word struct {
		text    string
		letters int
	}
	var words []word
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}) {
		key := strings.ToLower(strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, w))
		letters := 0
		for _, r := range key {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters == 0 || utf8.RuneCountInString(key) < 3 || seen[key] {
			continue
		}
		seen[key] = true
		words = append(words, word{w, utf8.RuneCountInString(key)})
	}
	slices.SortStableFunc(words, func(a, b word) int { return cmp.Compare(b.letters, a.letters) })
	out := make([]string, 0, min(n, len(words)))
	for _, w := range words[:min(n, len(words))] {
		out = append(out, w.text)
	}
	return out
}

// Merge errors (409): each says why the two complaints cannot be merged.
var (
	ErrMergeSelf              = &app.Error{Code: app.EConflict, Message: "err.merge_self"}
	ErrMergeOtherHospital     = &app.Error{Code: app.EConflict, Message: "err.merge_other_hospital"}
	ErrMergeAlreadyMerged     = &app.Error{Code: app.EConflict, Message: "err.merge_already_merged"}
	ErrMergeSurvivorCancelled = &app.Error{Code: app.EConflict, Message: "err.merge_survivor_cancelled"}
)

// mergedNotice is the public update on a merged complaint's tracking page, in the
// patient's language: it says what happened without naming the other complaint.
var mergedNotice = map[string]string{
	"en": "Your complaint has been combined with another complaint about the same matter. We will follow up on both together.",
	"ar": "دُمجت شكواك مع شكوى أخرى عن الموضوع نفسه، وسنتابعهما معاً.",
}

func noticeFor(lang string) string {
	if n, ok := mergedNotice[lang]; ok {
		return n
	}
	return mergedNotice["ar"]
}

// Merge merges complaint duplicateID into survivorID, in one transaction: the duplicate
// points to the survivor and is cancelled (outside the workflow, its SLA clock stopped),
// its timeline is copied onto the survivor's and its attachments move there; both
// timelines record the merge (the duplicate's also publicly, for its tracking page), both
// complaints emit complaint.updated, and the merge is audited. Both must be visible to
// by, of one hospital and not merged; the survivor must not be cancelled.
func (d *Duplicates) Merge(ctx context.Context, by app.Principal, duplicateID, survivorID int64, note string) error {
	if !by.Can(app.PermComplaintManage) {
		return app.ErrForbidden
	}
	fe := app.FieldErrors{}
	note = text(fe, "note", note, MaxNote, false)
	if err := fe.Err(); err != nil {
		return err
	}
	return d.svc.st.InTx(ctx, by, func(tx *store.Tx) error {
		dup, err := tx.ComplaintByID(ctx, by.Scope, duplicateID)
		if err != nil {
			return err
		}
		surv, err := tx.ComplaintByID(ctx, by.Scope, survivorID)
		if err != nil {
			return err
		}
		switch {
		case dup.ID == surv.ID:
			return ErrMergeSelf
		case dup.HospitalID != surv.HospitalID:
			return ErrMergeOtherHospital
		case dup.MergedInto != 0 || surv.MergedInto != 0:
			return ErrMergeAlreadyMerged
		case surv.Status == app.StatusCancelled:
			return ErrMergeSurvivorCancelled
		}
		copied, err := tx.CopyTimelineMerged(ctx, dup.ID, surv.ID, dup.TrackingCode)
		if err != nil {
			return err
		}
		moved, err := tx.MoveAttachments(ctx, dup.ID, surv.ID)
		if err != nil {
			return err
		}
		if dup.Status == app.StatusOnHold {
			if err := tx.EndPause(ctx, dup.ID); err != nil {
				return err
			}
		}
		from := dup.Status
		dup.MergedInto, dup.Status, dup.ClosedAt = surv.ID, app.StatusCancelled, tx.Now()
		dup.Resolution, dup.HoldReason = "", ""
		if err := tx.UpdateComplaint(ctx, &dup, time.Time{}); err != nil { // no next milestone: the SLA clock stops
			return err
		}
		withNote := func(s string) string {
			if note == "" {
				return s
			}
			return s + " · " + note
		}
		entries := []app.TimelineEntry{
			{ComplaintID: dup.ID, Kind: "merged_into", FromStatus: from, ToStatus: app.StatusCancelled, Note: withNote(surv.TrackingCode)},
			{ComplaintID: dup.ID, Kind: "merged", FromStatus: from, ToStatus: app.StatusCancelled, Public: true,
				Note: noticeFor(dup.PreferredLanguage)},
			{ComplaintID: surv.ID, Kind: "merged_from", Note: withNote(dup.TrackingCode)},
		}
		for _, e := range entries {
			if err := tx.AddTimeline(ctx, e); err != nil {
				return err
			}
		}
		for _, c := range []app.Complaint{dup, surv} {
			if err := tx.Emit(ctx, app.EventComplaintUpdated, c.HospitalID, map[string]int64{"id": c.ID}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "complaint.merge", Entity: "complaint", EntityID: fmt.Sprint(dup.ID),
			HospitalID: dup.HospitalID, Summary: map[string]any{"duplicate": dup.ID, "survivor": surv.ID, "from": from,
				"timeline_copied": copied, "attachments_moved": moved, "note": note != ""}})
	})
}
