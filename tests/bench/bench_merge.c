/*
 * Benchmark of the pipeline after the sources, merge_records followed by
 * practices_evaluate on every merged device, on generated fleets of
 * 1,000, 10,000 and 100,000 records: the best of three runs per size,
 * records per second, the process's peak resident memory, and how the
 * time grows from 10,000 to 100,000 records (10 means linear).
 *
 * Usage: bench_merge PRACTICES.yaml [seed]
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "device.h"
#include "fleet.h"
#include "log.h"
#include "merge.h"
#include "practices.h"

#define RUNS	3

static const size_t sizes[] = { 1000, 10000, 100000 };

static double
now_seconds(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Return the best time of RUNS merges of list, each followed by evaluating
 * every merged device, filling *stats and *merge_share (the fraction of
 * the time spent merging) from the best run.
 */
static double
time_pipeline(const struct practices *table, const struct device_list *list,
    struct merge_stats *stats, double *merge_share)
{
	struct merged_list	 merged;
	struct verdict		 verdict;
	double			 best = 0, start, merged_at, elapsed;
	size_t			 i;
	int			 run;

	for (run = 0; run < RUNS; run++) {
		/*
		 * Return the previous run's freed memory first, so that
		 * every run starts from the same allocator state.
		 */
		malloc_trim(0);
		start = now_seconds();
		if (merge_records_stats(list, &merged, stats) != 0) {
			fprintf(stderr, "bench_merge: merge failed\n");
			exit(1);
		}
		merged_at = now_seconds();
		for (i = 0; i < merged.count; i++) {
			practices_evaluate(table, &merged.items[i].record,
			    &verdict);
			verdict_free(&verdict);
		}
		elapsed = now_seconds() - start;
		merged_list_free(&merged);
		if (run == 0 || elapsed < best) {
			best = elapsed;
			*merge_share = (merged_at - start) / elapsed;
		}
	}
	return best;
}

int
main(int argc, char *argv[])
{
	struct diag_list	 diags = DIAG_LIST_INIT;
	struct practices	*table;
	struct device_list	 list;
	struct merge_stats	 stats;
	double			 merge_share = 0;
	struct rusage		 usage;
	double			 seconds[sizeof(sizes) / sizeof(sizes[0])];
	unsigned		 seed = 1;
	size_t			 i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_merge PRACTICES.yaml [seed]\n");
		return 2;
	}
	if (practices_load(argv[1], &table, &diags) != 0) {
		diag_print(&diags, stderr);
		return 1;
	}
	if (argc > 2)
		seed = (unsigned)strtoul(argv[2], NULL, 10);

	/* The fleet's conflicts are deliberate, so their warnings are noise. */
	log_set_level(LOG_LEVEL_ERROR);

	printf("%9s %9s %9s %9s %12s %8s %14s %14s\n", "records", "devices",
	    "conflicts", "shared", "best (ms)", "merge %", "records/s",
	    "peak RSS (MiB)");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		list.items = NULL;
		list.count = list.cap = 0;
		fleet_generate(sizes[i], seed, &list);
		seconds[i] = time_pipeline(table, &list, &stats, &merge_share);
		device_list_free(&list);

		getrusage(RUSAGE_SELF, &usage);
		printf("%9zu %9zu %9zu %9zu %12.2f %8.0f %14.0f %14.1f\n",
		    sizes[i], stats.devices, stats.conflicts,
		    stats.shared_values, seconds[i] * 1e3, merge_share * 100,
		    (double)sizes[i] / seconds[i],
		    (double)usage.ru_maxrss / 1024.0);
	}
	printf("time ratio 100k/10k: %.2f (10 is linear)\n",
	    seconds[2] / seconds[1]);
	practices_free(table);
	return 0;
}
