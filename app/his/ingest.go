package his

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"px360/app"
	"px360/app/hl7"
	"px360/store"
)

// Batch limits of the JSON API.
const (
	MaxBatchEvents = 1000
	MaxBatchBytes  = 8 << 20
)

// EventResult is what the JSON API says about one event of a batch, by index.
type EventResult struct {
	Index     int    `json:"index"`
	Status    string `json:"status"` // accepted, duplicate, error
	MessageID int64  `json:"message_id,omitempty"`
	Error     string `json:"error,omitempty"`
}

// ErrBadBatch is a body that is not a batch at all (400); nothing is stored.
type ErrBadBatch struct{ Reason string }

func (e *ErrBadBatch) Error() string { return "bad batch: " + e.Reason }

// ReceiveJSON stores a batch of JSON events in one transaction: the good ones to be
// applied, the bad ones kept with their error, repeats of an event_id as duplicates. It
// answers per event, by index.
func (s *Service) ReceiveJSON(ctx context.Context, in app.Integration, body io.Reader) ([]EventResult, error) {
	b, err := io.ReadAll(io.LimitReader(body, MaxBatchBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBatchBytes {
		return nil, &ErrBadBatch{fmt.Sprintf("the body is over %d MiB", MaxBatchBytes>>20)}
	}
	var batch struct {
		Events []json.RawMessage `json:"events"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&batch); err != nil {
		return nil, &ErrBadBatch{"the body is not JSON of the form {\"events\": [...]}: " + err.Error()}
	}
	if len(batch.Events) == 0 {
		return nil, &ErrBadBatch{"events is empty"}
	}
	if len(batch.Events) > MaxBatchEvents {
		return nil, &ErrBadBatch{fmt.Sprintf("%d events; a batch holds at most %d", len(batch.Events), MaxBatchEvents)}
	}
	rows := make([]store.Inbound, len(batch.Events))
	results := make([]EventResult, len(batch.Events))
	for i, raw := range batch.Events {
		row := store.Inbound{IntegrationID: in.ID, Format: app.IntegrationJSON, Raw: string(raw), Status: app.InboundReceived}
		var e JSONEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			row.Status, row.Error = app.InboundError, "not a JSON event object: "+err.Error()
		} else {
			ev, err := fromJSON(e, in)
			row.ExternalID, row.Event, row.MRN, row.Visit = ev.ExternalID, ev.Event, ev.MRN, ev.Visit
			s.protect(&row, strings.TrimSpace(e.NationalID))
			if err != nil {
				row.Status, row.Error, row.ExternalID = app.InboundError, err.Error(), ""
			}
		}
		rows[i] = row
		results[i] = EventResult{Index: i, Status: "accepted"}
		if row.Status == app.InboundError {
			results[i] = EventResult{Index: i, Status: "error", Error: row.Error}
		}
	}
	ids, fresh, err := s.st.InsertInbound(ctx, rows)
	if err != nil {
		return nil, err
	}
	for i := range results {
		results[i].MessageID = ids[i]
		if results[i].Status == "accepted" && !fresh[i] {
			results[i].Status = "duplicate"
		}
	}
	s.wake()
	return results, nil
}

// ReceiveHL7 stores one HL7 message (over HTTP) and returns its acknowledgement.
func (s *Service) ReceiveHL7(ctx context.Context, in app.Integration, raw []byte) []byte {
	row, m := s.inboundHL7(in, raw)
	ids, fresh, err := s.st.InsertInbound(ctx, []store.Inbound{row})
	if err != nil {
		return hl7.Ack(m, hl7.AckError, "not stored: "+err.Error(), s.Now(), ackID())
	}
	s.wake()
	return s.ack(m, row, fresh[0], ids[0])
}

// inboundHL7 reads what the message log stores about a message; m is nil when it does
// not parse.
func (s *Service) inboundHL7(in app.Integration, raw []byte) (store.Inbound, *hl7.Message) {
	row := store.Inbound{IntegrationID: in.ID, Format: app.IntegrationHL7, Raw: string(raw), Status: app.InboundReceived}
	m, err := hl7.Parse(raw)
	if err != nil {
		row.Status, row.Error = app.InboundError, err.Error()
		if len(row.Raw) > hl7.MaxMessageBytes {
			row.Raw = row.Raw[:hl7.MaxMessageBytes]
		}
		return row, nil
	}
	a, err := hl7.ExtractADT(m)
	row.ExternalID, row.Event, row.MRN, row.Visit = a.ControlID, mapEvent(in, a.Event), a.MRN, a.Visit
	s.protect(&row, a.NationalID)
	switch {
	case err != nil:
		row.Status, row.Error = app.InboundError, err.Error()
	case !app.KnownHISEvent(row.Event):
		row.Status, row.Error = app.InboundError, fmt.Sprintf("event %q is not one PX360 takes", a.Event)
	case a.Visit == "":
		row.Status, row.Error = app.InboundError, "PV1-19 (visit number) is empty"
	}
	if row.Status == app.InboundError {
		row.ExternalID = "" // kept for the log, never blocks a corrected resend
	}
	return row, m
}

// nidMarker replaces a national ID in the stored raw text.
const nidMarker = "[national-id]"

// protect takes a message's national ID out of its raw text (every occurrence, when the
// ID is long enough not to match other text) and keeps it encrypted beside it, so the
// message log never holds national IDs in clear.
func (s *Service) protect(row *store.Inbound, nid string) {
	if nid == "" || s.orgs == nil {
		return
	}
	enc, err := s.orgs.SealHISNationalID(nid)
	if err != nil {
		s.log.Error("seal a national ID", "err", err)
		return
	}
	row.NIDEnc = enc
	if len(nid) >= 6 {
		row.Raw = strings.ReplaceAll(row.Raw, nid, nidMarker)
	}
}

// ack builds the acknowledgement: AA for a stored message (also a duplicate), AR for
// something that is not an HL7 message or not an ADT event we take, AE for an ADT
// message with an error. Every message is in the log either way.
func (s *Service) ack(m *hl7.Message, row store.Inbound, fresh bool, id int64) []byte {
	switch {
	case m == nil:
		return hl7.Ack(nil, hl7.AckReject, row.Error, s.Now(), ackID())
	case row.Status == app.InboundError && (errors.Is(errOf(row), hl7.ErrNotADT) || !app.KnownHISEvent(row.Event)):
		return hl7.Ack(m, hl7.AckReject, row.Error, s.Now(), ackID())
	case row.Status == app.InboundError:
		return hl7.Ack(m, hl7.AckError, row.Error, s.Now(), ackID())
	case !fresh:
		return hl7.Ack(m, hl7.AckAccept, "duplicate: already received", s.Now(), ackID())
	}
	return hl7.Ack(m, hl7.AckAccept, fmt.Sprintf("stored as message %d", id), s.Now(), ackID())
}

func errOf(row store.Inbound) error {
	if row.Error == hl7.ErrNotADT.Error() {
		return hl7.ErrNotADT
	}
	return nil
}

// ackID is the control id of our acknowledgements.
func ackID() string { return fmt.Sprintf("PX%d", time.Now().UnixNano()) }
