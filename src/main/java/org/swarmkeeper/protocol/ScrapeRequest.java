package org.swarmkeeper.protocol;

import java.util.ArrayList;
import java.util.List;

/** A BEP 48 scrape for one or more info hashes. A full scrape (no info_hash) is refused. */
public record ScrapeRequest(List<InfoHash> infoHashes) {

    public static ScrapeRequest parse(String rawQuery, int maxInfoHashes) throws MalformedRequestException {
        List<byte[]> values = QueryString.parse(rawQuery).all("info_hash");
        if (values.isEmpty()) {
            throw new MalformedRequestException("missing info_hash: full scrape is not supported");
        }
        if (values.size() > maxInfoHashes) {
            throw new MalformedRequestException("too many info_hash values: at most " + maxInfoHashes);
        }
        List<InfoHash> hashes = new ArrayList<>(values.size());
        for (byte[] value : values) {
            InfoHash hash = InfoHash.of(AnnounceRequest.checkedId20("info_hash", value));
            if (!hashes.contains(hash)) {
                hashes.add(hash);
            }
        }
        return new ScrapeRequest(List.copyOf(hashes));
    }
}
