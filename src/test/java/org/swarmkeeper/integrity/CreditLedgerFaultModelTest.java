package org.swarmkeeper.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.LongStream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.swarmkeeper.support.WorkDirectory;

/**
 * The credit ledger against a model of its specification, under faults: two tracker processes on one PostgreSQL,
 * 51 clients, and at step boundaries chosen by a seed a node killed with SIGKILL and started again, a node's
 * return while the other keeps the swarms it served, PostgreSQL stopped and started, a ledger commit whose
 * acknowledgement is lost ({@link CommitCuttingProxy}), a ledger bounded to a few peers. Then:
 * <ul>
 *   <li>every honest user is credited exactly what the model says: per peer, the sum over the announces the
 *       tracker recorded of each counter's increase over the one before (0 at first sight and when a counter went
 *       back), where a node's death takes back what it had not committed ({@link ModelPeer});</li>
 *   <li>every honest user×torrent's seed time lies between the least and the most its recorded announces allow
 *       (pairs of seeding announces closer than the peer timeout, the tracker's instants between each one's
 *       sending and its answer), and its seed points are that seed time at the cluster's flat rate, to each
 *       flush's rounding; every user's balance is the sum of its torrents' points;</li>
 *   <li>a forger that comes back after {@code stopped} or after falling silent, claiming upload made meanwhile, is
 *       credited at most its honest upload plus the upload ceiling times the time its peer was active (gaps capped
 *       at two intervals, nothing after {@code stopped}) and one interval more, and is flagged
 *       {@code upload_speed};</li>
 *   <li>a user without leech rights who reports {@code left=0} while its downloaded counter grows is flagged
 *       {@code downloaded_while_complete}.</li>
 * </ul>
 * The seeds in {@link #FIXED_SEEDS} run by default; {@code -Dintegrity.seed=N} runs seed N alone and
 * {@code -Dintegrity.seeds=N} seeds 1 to N. A failure names the seed, what broke, and the faults in order; node
 * logs and the trace are in {@code target/integrity/seed-N/}.
 */
class CreditLedgerFaultModelTest {

    /**
     * Between them: a node killed during the outage (36), the other node killed after the first came back (4), a
     * node that stays dead after its second death (14, 36); five tracker starts after the first two.
     */
    private static final long[] FIXED_SEEDS = {4, 14, 36};

    @TempDir
    Path data;

    static LongStream seeds() {
        String one = System.getProperty("integrity.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        String count = System.getProperty("integrity.seeds");
        return count != null ? LongStream.rangeClosed(1, Long.parseLong(count)) : LongStream.of(FIXED_SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void honestCreditIsExactAndForgedCreditBoundedAcrossFaults(long seed) throws Exception {
        Path logs = WorkDirectory.fresh(Path.of("target", "integrity", "seed-" + seed).toAbsolutePath());
        LedgerSimulation.Result result = LedgerSimulation.run(seed, data.resolve("postgres"), logs);
        assertThat(result.violations()).as("seed %d broke the ledger's guarantees (replay: ./mvnw test "
                + "-Dtest=CreditLedgerFaultModelTest -Dintegrity.seed=%d; logs in %s); the run:%n  %s", seed, seed,
                logs, String.join(System.lineSeparator() + "  ", result.trace())).isEmpty();
    }
}
