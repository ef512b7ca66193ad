package org.swarmkeeper.protocol;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The wire format per announce: reading qBittorrent's query string, writing a compact answer with 50 peers. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtocolBenchmark {

    private String query;
    private PeerList peers;
    private BencodedAnswers.AnnounceAnswer answer;

    @Setup
    public void setUp() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] infoHash = new byte[20];
        random.nextBytes(infoHash);
        byte[] peerId = "-qB4650-".getBytes();
        byte[] fullPeerId = new byte[20];
        System.arraycopy(peerId, 0, fullPeerId, 0, peerId.length);
        for (int i = peerId.length; i < 20; i++) {
            fullPeerId[i] = (byte) random.nextInt(256);
        }
        query = "info_hash=" + percentEncoded(infoHash) + "&peer_id=" + percentEncoded(fullPeerId)
                + "&port=51413&uploaded=1234567890&downloaded=987654321&left=123456789&corrupt=0&key=8A1F2B3C"
                + "&event=started&numwant=50&compact=1&no_peer_id=1&supportcrypto=1&redundant=0";
        peers = new PeerList(50);
        for (int i = 0; i < 50; i++) {
            byte[] compact = {127, 0, (byte) (i >> 8), (byte) i, (byte) 0xc8, (byte) (i + 1)};
            peers.add(TestPeer.of(compact, null, PeerId.of(fullPeerId)));
        }
        answer = new BencodedAnswers.AnnounceAnswer(1800, 900, 12, 34, 56, new byte[] {127, 0, 0, 1}, null, 0);
    }

    private static String percentEncoded(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Benchmark
    public AnnounceRequest parseAnnounce() throws MalformedRequestException {
        return AnnounceRequest.parse(query);
    }

    @Benchmark
    public byte[] encodeCompactAnswerWith50Peers() {
        return BencodedAnswers.announce(answer, peers, true, true);
    }
}
