package org.swarmkeeper.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.swarmkeeper.torrents.Metainfo;
import org.swarmkeeper.torrents.Torrent;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.users.UserDirectory;

/**
 * Registers a torrent from its .torrent file, sent as the body ({@code Content-Type: application/x-bittorrent})
 * or as the form field {@code file} ({@code multipart/form-data}). The tracker computes the hashes itself: the
 * v1 SHA-1 and, for v2 and hybrid torrents (BEP 52), the SHA-256, both mapped to one torrent.
 */
@RestController
@RequestMapping("/api/torrents")
class TorrentUploadApi {

    static final String BITTORRENT = "application/x-bittorrent";

    /**
     * {@code announceUrl}: what to write into the file each user downloads, with {@code {passkey}} replaced by
     * theirs; {@code fileCount} leaves out padding files.
     */
    record UploadedTorrent(TorrentApi.TorrentView torrent, String announceUrl, boolean hybrid, int fileCount) {
    }

    private final TorrentCatalog torrents;
    private final TorrentUploadProperties properties;
    private final AnnounceUrls announceUrls;
    private final UserDirectory users;

    TorrentUploadApi(TorrentCatalog torrents, TorrentUploadProperties properties, AnnounceUrls announceUrls,
                     UserDirectory users) {
        this.torrents = torrents;
        this.users = users;
        this.properties = properties;
        this.announceUrls = announceUrls;
    }

    @PostMapping(consumes = BITTORRENT)
    ResponseEntity<UploadedTorrent> upload(HttpServletRequest request,
                                           @RequestParam(required = false) Long uploaderId,
                                           @RequestParam(required = false) String moderation) throws IOException {
        try (InputStream body = request.getInputStream()) {
            long limit = properties.maxFileSize().toBytes();
            byte[] file = body.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (file.length > limit) {
                throw tooLarge();
            }
            return register(file, uploaderId, moderation);
        }
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<UploadedTorrent> uploadForm(@RequestPart("file") MultipartFile file,
                                               @RequestParam(required = false) Long uploaderId,
                                               @RequestParam(required = false) String moderation) throws IOException {
        if (file.getSize() > properties.maxFileSize().toBytes()) {
            throw tooLarge();
        }
        return register(file.getBytes(), uploaderId, moderation);
    }

    private ErrorResponseException tooLarge() {
        return new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, ProblemDetail.forStatusAndDetail(
                HttpStatus.CONTENT_TOO_LARGE, "a .torrent file of at most " + properties.maxFileSize()
                        + " (tracker.torrents.max-file-size)"), null);
    }

    private ResponseEntity<UploadedTorrent> register(byte[] file, Long uploaderId, String moderation) {
        Map<String, String> errors = new LinkedHashMap<>();
        TorrentApi.Registration registration = TorrentApi.registration(uploaderId, moderation, users, errors);
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        Metainfo metainfo;
        try {
            metainfo = Metainfo.parse(file);
        } catch (Metainfo.InvalidMetainfoException e) {
            throw ApiProblems.invalid(Map.of("file", "not a usable .torrent file: " + e.getMessage()));
        }
        if (properties.requirePrivate() && !metainfo.privateFlag()) {
            throw ApiProblems.invalid(Map.of("file", "not a private torrent (info.private=1 missing): clients would "
                    + "share it through DHT and PEX; tracker.torrents.require-private=false accepts such files"));
        }
        if (metainfo.name().length() > 255 || metainfo.name().indexOf('\0') >= 0) {
            throw ApiProblems.invalid(Map.of("file", "info.name: at most 255 characters, no NUL"));
        }
        Torrent torrent = torrents.register(metainfo.swarmHash(), metainfo.infoHashV2(), metainfo.name(),
                metainfo.size(), registration.uploaderId(), registration.moderation()).orElseThrow(() -> ApiProblems.conflict("info hash already registered"));
        return ResponseEntity.created(TorrentApi.location(torrent)).body(new UploadedTorrent(TorrentApi.view(torrent),
                announceUrls.template(), metainfo.infoHash() != null && metainfo.infoHashV2() != null,
                metainfo.fileCount()));
    }
}
