package his

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"px360/app"
	"px360/app/hl7"
	"px360/store"
)

// Listener is an MLLP server for one HL7 integration: it reads framed messages, stores
// them (many connections' messages share one transaction: a group commit) and answers
// each with its ACK only after it is stored.
type Listener struct {
	s      *Service
	in     app.Integration
	ln     net.Listener
	queue  chan pending
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

type pending struct {
	row   store.Inbound
	msg   *hl7.Message
	reply chan []byte
}

// IdleTimeout closes an MLLP connection that sends nothing for this long.
const IdleTimeout = 10 * time.Minute

// maxGroup is how many messages one group commit writes at most.
const maxGroup = 256

// Listen opens the integration's MLLP port; Serve must follow.
func (s *Service) Listen(in app.Integration) (*Listener, error) {
	ln, err := net.Listen("tcp", in.ListenAddr)
	if err != nil {
		return nil, err
	}
	return s.ListenOn(in, ln), nil
}

// ListenOn serves MLLP for in on a listener the caller opened (tests use port 0).
func (s *Service) ListenOn(in app.Integration, ln net.Listener) *Listener {
	return &Listener{s: s, in: in, ln: ln, queue: make(chan pending, 1024), conns: map[net.Conn]struct{}{}}
}

// Addr is the address the listener accepts on.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// Serve accepts connections until ctx ends or Close; it returns when every connection
// and the writer have finished.
func (l *Listener) Serve(ctx context.Context) error {
	wctx, stopWriter := context.WithCancel(context.WithoutCancel(ctx))
	writerDone := make(chan struct{})
	go func() { defer close(writerDone); l.writer(wctx) }()
	go func() { <-ctx.Done(); l.Close() }()
	var err error
	for {
		c, aerr := l.ln.Accept()
		if aerr != nil {
			if !l.isClosed() {
				err = aerr
			}
			break
		}
		l.mu.Lock()
		l.conns[c] = struct{}{}
		l.mu.Unlock()
		l.wg.Add(1)
		go l.serveConn(c)
	}
	l.wg.Wait()
	stopWriter()
	<-writerDone
	return err
}

// Close stops accepting and closes open connections (messages not yet acknowledged are
// not acknowledged; the sender resends them).
func (l *Listener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	for c := range l.conns {
		c.Close()
	}
	return l.ln.Close()
}

func (l *Listener) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

func (l *Listener) serveConn(c net.Conn) {
	defer l.wg.Done()
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReaderSize(c, 64<<10)
	w := bufio.NewWriter(c)
	for {
		_ = c.SetReadDeadline(time.Now().Add(IdleTimeout))
		raw, err := hl7.ReadFrame(r)
		if err != nil {
			if errors.Is(err, hl7.ErrTooLarge) { // answer, then drop the connection: the stream is out of step
				_ = hl7.WriteFrame(w, hl7.Ack(nil, hl7.AckReject, err.Error(), time.Now(), ackID()))
				_ = w.Flush()
			}
			return
		}
		row, m := l.s.inboundHL7(l.in, raw)
		p := pending{row: row, msg: m, reply: make(chan []byte, 1)}
		l.queue <- p
		ack := <-p.reply
		if ack == nil {
			return // the store failed: no ACK, the sender retries
		}
		_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if err := hl7.WriteFrame(w, ack); err != nil || w.Flush() != nil {
			return
		}
	}
}

// writer stores queued messages in groups: it takes what is waiting (up to maxGroup),
// writes it in one transaction, then answers each connection.
func (l *Listener) writer(ctx context.Context) {
	batch := make([]pending, 0, maxGroup)
	for {
		select {
		case <-ctx.Done():
			for {
				select {
				case p := <-l.queue:
					p.reply <- nil
				default:
					return
				}
			}
		case p := <-l.queue:
			batch = append(batch[:0], p)
		drain:
			for len(batch) < maxGroup {
				select {
				case p := <-l.queue:
					batch = append(batch, p)
				default:
					break drain
				}
			}
			rows := make([]store.Inbound, len(batch))
			for i, p := range batch {
				rows[i] = p.row
			}
			ids, fresh, err := l.s.st.InsertInbound(ctx, rows)
			if err != nil {
				l.s.log.Error("MLLP messages not stored", "integration", l.in.Name, "count", len(batch), "err", err)
			}
			for i, p := range batch {
				if err != nil {
					p.reply <- nil
					continue
				}
				p.reply <- l.s.ack(p.msg, p.row, fresh[i], ids[i])
			}
			l.s.wake()
		}
	}
}

// Send is a minimal MLLP client (tests, the benchmark, and `px360 bench`): it writes a
// message and waits for its ACK.
func Send(rw io.ReadWriter, r *bufio.Reader, msg []byte) ([]byte, error) {
	if err := hl7.WriteFrame(rw, msg); err != nil {
		return nil, err
	}
	return hl7.ReadFrame(r)
}
