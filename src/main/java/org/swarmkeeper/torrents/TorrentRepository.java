package org.swarmkeeper.torrents;

import org.springframework.data.jpa.repository.JpaRepository;

interface TorrentRepository extends JpaRepository<Torrent, Long> {

    boolean existsByInfoHash(byte[] infoHash);

    boolean existsByInfoHashV2(byte[] infoHashV2);
}
