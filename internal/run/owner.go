package run

import (
	"context"
	"errors"

	"github.com/keycheck/keycheck/checks"
)

// ErrNoOwner is returned by ProveOwner when the key is not another target's
// by its shape (checks.OwnerOf): there is no owner to ask.
var ErrNoOwner = errors.New("the key is not another provider's")

// OwnerOf is the target whose key this is by its shape (checks.OwnerFor),
// when that is not target ("" is HiAPI): the owner the person may ask (Runner.ProveOwner).
func OwnerOf(key string, target checks.ProviderID) (checks.ProviderID, bool) {
	owner, ok := checks.OwnerFor(key, target)
	if !ok || owner == target || isHiAPI(owner) && isHiAPI(target) {
		return "", false
	}
	return owner, true
}

// ProveOwner asks the key's owner (Run.Owner, the provider whose key it is
// by its shape) whether it accepts the key, with its free probe, and
// records the answer on the provider step (checks.OwnerProof), so the
// verdict tells whose key it is and whether it works there. It is the
// person's click: their key, their provider. Nothing goes to the run's
// target. The owner's plan decides what is sent (a cleaned key, or
// nothing: *NotSentError). It returns ErrNoOwner when the key is no other
// provider's, ErrLiveBusy while the run's live test or another proof is
// in flight, ErrShuttingDown once Shutdown has begun. It returns when the
// answer is saved.
func (lr *Runner) ProveOwner(runID, key string) error {
	ctx, cancel := context.WithTimeout(lr.ctx, saveTimeout)
	defer cancel()
	r, err := lr.getRun(ctx, runID)
	if err != nil {
		return err
	}
	owner, ok := OwnerOf(key, r.Provider)
	if !ok {
		return ErrNoOwner
	}
	plan := Plan(key, owner)
	if !plan.Send {
		return &NotSentError{Reason: plan.Reason, Cause: plan.Cause}
	}
	if err := lr.reserve(runID); err != nil {
		return err
	}
	defer lr.wg.Done()
	defer lr.finish(runID)
	pctx, cancelProbe := context.WithTimeout(lr.ctx, lr.cfg.Timeout)
	defer cancelProbe()
	var answer checks.Answer
	if isHiAPI(owner) {
		answer = lr.provider.Probe(pctx, plan.Key)
		answer.BaseURL = lr.cfg.BaseURL
	} else {
		answer = tester{o: lr.prober}.ask(func(o Prober) checks.Answer { return o.Probe(pctx, owner, plan.Key) })
	}
	answer.Provider = owner
	if lr.ctx.Err() != nil {
		return ErrShuttingDown
	}
	// Read again: the run may have changed while the owner answered.
	if r, err = lr.getRun(ctx, runID); err != nil {
		return err
	}
	prov, _ := r.Step(checks.StepProvider)
	r.SetStep(checks.OwnerProof(prov, owner, answer, r.Provider))
	r.Owner = owner
	r.Updated = lr.now().UTC()
	if err := lr.store.UpdateRun(ctx, r); err != nil {
		return err
	}
	lr.publish(r)
	return nil
}
