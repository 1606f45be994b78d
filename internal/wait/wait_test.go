package wait

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := For(context.Background(), 3*time.Second); err != nil {
			t.Fatalf("For = %v", err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("waited %v, want 3s", got)
		}
	})
}

func TestForEndsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if err := For(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("For = %v, want the deadline", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("waited %v, want 1s (the context's deadline)", got)
		}
	})
}

func TestForZero(t *testing.T) {
	if err := For(context.Background(), 0); err != nil {
		t.Errorf("For(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := For(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("For(canceled, 0) = %v, want canceled", err)
	}
}
