package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// heartbeat keeps idle proxies from closing an event stream.
const heartbeat = 15 * time.Second

// streamWriteTimeout bounds each write to an event stream: a page that
// reads nothing for this long is let go, and its slot with it.
const streamWriteTimeout = 30 * time.Second

// doneEvent ends a stream: the page closes it on "done".
var doneEvent = sseEvent("done", nil)

// handleLiveEvents pushes the run's changing part to the page as
// server-sent events while its live test runs: an event "run" with the
// new HTML each time the run changes, then "done" when the test ends (the
// page closes the stream on it). A page opened mid-test gets the current
// state at once. Streams are capped per client IP and per run (refused
// before anything is read or rendered), and every page watching one test
// shares its hub's renders (liveHub).
func (s *Server) handleLiveEvents(c echo.Context) error {
	if !validRunID(c.Param("id")) {
		return errRunNotFound
	}
	release, err := s.streams.take(c.RealIP(), c.Param("id"))
	if err != nil {
		return err
	}
	defer release()
	r, cached, err := s.readRun(c)
	if err != nil {
		return err
	}

	w := c.Response()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	defer s.observer().StreamOpened()()
	// The server sets no write deadline of its own (WriteTimeout is 0 for
	// streams), so the next request on this connection must not inherit
	// this stream's.
	rc := http.NewResponseController(w)
	defer rc.SetWriteDeadline(time.Time{})

	if !s.running(r) {
		// No test changes the run: its state as stored, from the run
		// cache, then done. The test may have ended since the run was
		// read: then it is read again as it ended (settle), or the page
		// would keep the running state it was given for good.
		if settled := s.settle(c.Request().Context(), r); settled != r {
			r, cached = settled, nil
		}
		event, err := s.runEvent(c.Request().Context(), r, s.runParts(c, r, cached))
		if err != nil {
			s.log.Error("rendering live update", "run", r.ID, "err", err)
			return nil
		}
		if writeEvent(rc, w, event) == nil {
			_ = writeEvent(rc, w, doneEvent)
		}
		return nil
	}
	hub := s.joinHub(r)
	defer s.leaveHub(hub)
	s.watch(c, rc, hub)
	return nil
}

// watch writes the hub's events to one page: the current one at once,
// then each newer one, skipping those that came and went while this page
// was still reading an older one, until the test ends ("done"), the page
// goes away, or the server stops. A comment line every heartbeat keeps
// proxies from closing the idle stream.
func (s *Server) watch(c echo.Context, rc *http.ResponseController, hub *liveHub) {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	ctx := c.Request().Context()
	w := c.Response()
	var sent uint64
	for {
		v := hub.view()
		if v.version != sent && v.event != nil {
			if writeEvent(rc, w, v.event) != nil {
				return
			}
			sent = v.version
		}
		if v.ended {
			_ = writeEvent(rc, w, doneEvent)
			return
		}
		select {
		case <-v.changed:
		case <-ctx.Done():
			return
		case <-s.stop:
			return
		case <-tick.C:
			if writeEvent(rc, w, []byte(": ping\n\n")) != nil {
				return
			}
		}
	}
}

// writeEvent writes one framed event and flushes it, within
// streamWriteTimeout.
func writeEvent(rc *http.ResponseController, w *echo.Response, event []byte) error {
	// A writer without deadlines (a test's recorder) just writes.
	_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	if _, err := w.Write(event); err != nil {
		return err
	}
	return rc.Flush()
}
