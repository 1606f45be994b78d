package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
)

// onPostgres names the rows measured on PostgreSQL: the same requests as
// the SQLite rows, beside the same baseline.
const onPostgres = " (PostgreSQL)"

// noLimit is a live-test limit no load reaches: on PostgreSQL every live
// test still counts in the database (store.Take), as in production, where
// SQLite's rows run with the limits off. (The check limit counts in
// memory on both engines.)
const noLimit = "1000000000"

// postgres measures keycheck as a team runs it, two instances, A and B, on
// the PostgreSQL database at lt.pgDSN (--postgres; nothing without it):
// pushTests live tests run on A and are watched on B, timed from the
// fake's answer to A's poll that saw success to the result on B's stream;
// then the as-you-type check, a saved run and the run page (those runs) on A, at every
// concurrency, as ratios to the SQLite rows' baseline. The database
// server's CPU is not keycheck's: it shows in those rows' other load.
func (lt *loadTest) postgres(ctx context.Context) error {
	if lt.pgDSN == "" {
		return nil
	}
	lt.progress("starting two keycheck instances on PostgreSQL")
	start := func(name string) (*server, error) {
		dir := filepath.Join(lt.dir, name)
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, err
		}
		// The later --db wins over startKeycheck's SQLite file.
		return lt.startKeycheck(ctx, dir, "--db", lt.pgDSN, "--live-timeout", hold.String(), "--streams-per-ip", "0", "--live-per-hour", noLimit)
	}
	var err error
	if lt.pgA, err = start("postgres-a"); err != nil {
		return err
	}
	defer lt.keepLog("keycheck A on PostgreSQL", lt.pgA)
	defer lt.pgA.stop()
	pgB, err := start("postgres-b")
	if err != nil {
		return err
	}
	defer lt.keepLog("keycheck B on PostgreSQL", pgB)
	defer pgB.stop()

	lt.progress("timing %d live tests on A from the fake's success to B's page", pushTests)
	runs, push, err := lt.timePush(ctx, lt.pgA, pgB, "good-pg")
	if err != nil {
		return err
	}
	lt.res.pgPush = push
	eps, err := endpoints(lt.pgA, runs)
	if err != nil {
		return err
	}
	eps = slices.DeleteFunc(eps, func(ep endpoint) bool { return ep.Name == baseline })
	for _, n := range levels {
		for _, ep := range eps {
			ep.Name += onPostgres
			if err := lt.measure(ctx, ep, n, 0); err != nil {
				return err
			}
		}
	}
	return nil
}
