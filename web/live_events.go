package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keycheck/keycheck/internal/run"
	"github.com/keycheck/keycheck/templates"
)

// heartbeat keeps idle proxies from closing an event stream.
const heartbeat = 15 * time.Second

// handleLiveEvents pushes the run's changing part to the page as
// server-sent events while its live test runs: an event "run" with the
// new HTML each time the run changes, then "done" when the test ends (the
// page closes the stream on it). A page opened mid-test gets the current
// state at once.
func (s *Server) handleLiveEvents(c echo.Context) error {
	r, err := s.loadRun(c)
	if err != nil {
		return err
	}
	updates, cancel := s.live.Subscribe(r.ID)
	defer cancel()

	w := c.Response()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	// Read again after subscribing, so no change can fall between the two.
	if fresh, err := s.store.GetRun(c.Request().Context(), r.ID); err == nil {
		r = s.settle(c, fresh)
	}
	if err := s.sendRun(c, r); err != nil {
		return nil
	}
	if !s.live.Running(r.ID) {
		return s.sendEvent(c, "done", "")
	}

	s.streamUpdates(c, r.ID, updates)
	return nil
}

// streamUpdates sends each new state of the run until its live test ends
// (then the final state as stored, and "done"), the page goes away, or
// the server stops; a comment line every heartbeat keeps proxies from
// closing the idle stream.
func (s *Server) streamUpdates(c echo.Context, runID string, updates <-chan *run.Run) {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	ctx := c.Request().Context()
	w := c.Response()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.stop:
			return
		case <-tick.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
			w.Flush()
		case latest, ok := <-updates:
			if !ok {
				// The test ended: send the final state as stored.
				if final, err := s.store.GetRun(context.WithoutCancel(ctx), runID); err == nil {
					_ = s.sendRun(c, s.settle(c, final))
				}
				_ = s.sendEvent(c, "done", "")
				return
			}
			if err := s.sendRun(c, latest); err != nil {
				return
			}
		}
	}
}

func (s *Server) sendRun(c echo.Context, r *run.Run) error {
	v := s.runPage(c, r, newRunParts(r, s.cfg.HiAPIURL))
	// The page's pushed copy drops the live form while the test runs, and
	// shows it again once the runner has let go.
	v.Running = r.Live == run.LiveRunning
	var buf bytes.Buffer
	if err := templates.RunBody(v).Render(c.Request().Context(), &buf); err != nil {
		s.log.Error("rendering live update", "err", err)
		return err
	}
	return s.sendEvent(c, "run", buf.String())
}

// sendEvent writes one server-sent event; data may span lines.
func (s *Server) sendEvent(c echo.Context, event, data string) error {
	var b strings.Builder
	b.WriteString("event: ")
	b.WriteString(event)
	b.WriteByte('\n')
	for _, line := range strings.Split(data, "\n") {
		b.WriteString("data: ")
		b.WriteString(strings.TrimRight(line, "\r"))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	w := c.Response()
	if _, err := w.Write([]byte(b.String())); err != nil {
		return err
	}
	w.Flush()
	return nil
}
