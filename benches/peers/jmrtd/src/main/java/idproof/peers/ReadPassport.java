package idproof.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.TerminalFactory;

import net.sf.scuba.smartcards.CardService;
import net.sf.scuba.smartcards.CardServiceException;
import net.sf.scuba.smartcards.CommandAPDU;
import net.sf.scuba.smartcards.ResponseAPDU;

import org.jmrtd.BACKey;
import org.jmrtd.PassportService;
import org.jmrtd.lds.CardAccessFile;
import org.jmrtd.lds.PACEInfo;
import org.jmrtd.lds.SecurityInfo;
import org.jmrtd.lds.LDSFileUtil;
import org.jmrtd.lds.icao.COMFile;

/**
 * JMRTD as an independent reader: BAC + read EF.COM, EF.SOD and every data group EF.COM lists
 * (except DG3/DG4, which need EAC), through javax.smartcardio (pcsc-lite), and dump each file's
 * raw bytes as COM.bin, SOD.bin, DG1.bin, ... -- the names `idproof read --out` uses.
 *
 * <p>Usage: java -Dsun.security.smartcardio.library=/usr/lib/x86_64-linux-gnu/libpcsclite.so.1
 * -cp ... idproof.peers.ReadPassport --reader NAME --doc N --birth YYMMDD --expiry YYMMDD
 * [--out DIR] [--extended]
 *
 * <p>Prints one JSON line: {"peer":"jmrtd","apdus":N,"elapsed_ms":T,"files":{"COM":24,...}}.
 * Exit 0 on success, 1 when the chip refuses (BAC), 3 on a reader error.
 */
public final class ReadPassport {

    /** javax.smartcardio as a SCUBA CardService; counts the APDUs JMRTD sends. */
    static final class SmartcardioService extends CardService {
        private final CardTerminal terminal;
        private Card card;
        private CardChannel channel;
        int apdus;

        SmartcardioService(CardTerminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public void open() throws CardServiceException {
            try {
                card = terminal.connect("*");
                channel = card.getBasicChannel();
                state = SESSION_STARTED_STATE;
            } catch (CardException e) {
                throw new CardServiceException(e.toString());
            }
        }

        @Override
        public boolean isOpen() {
            return state != SESSION_STOPPED_STATE;
        }

        @Override
        public ResponseAPDU transmit(CommandAPDU command) throws CardServiceException {
            try {
                apdus++;
                javax.smartcardio.ResponseAPDU r =
                        channel.transmit(new javax.smartcardio.CommandAPDU(command.getBytes()));
                return new ResponseAPDU(r.getBytes());
            } catch (CardException e) {
                throw new CardServiceException(e.toString());
            }
        }

        @Override
        public byte[] getATR() {
            return card.getATR().getBytes();
        }

        @Override
        public boolean isExtendedAPDULengthSupported() {
            return true;
        }

        @Override
        public void close() {
            try {
                if (card != null) {
                    card.disconnect(true);
                }
            } catch (CardException e) {
                // closing anyway
            }
            state = SESSION_STOPPED_STATE;
        }

        @Override
        public boolean isConnectionLost(Exception e) {
            return false;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--extended")) {
                opt.put("extended", "1");
            } else if (args[i].equals("--pace")) {
                opt.put("pace", "1");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opt.put(args[i].substring(2), args[++i]);
            }
        }
        String readerName = opt.getOrDefault("reader", "Virtual PCD 00 00");
        String doc = opt.get("doc");
        String birth = opt.get("birth");
        String expiry = opt.get("expiry");
        if (doc == null || birth == null || expiry == null) {
            System.err.println("usage: --doc N --birth YYMMDD --expiry YYMMDD [--reader NAME] [--out DIR] [--extended] [--pace]");
            System.exit(2);
        }
        Path out = opt.containsKey("out") ? Path.of(opt.get("out")) : null;

        CardTerminal terminal;
        try {
            terminal = TerminalFactory.getDefault().terminals().getTerminal(readerName);
            if (terminal == null || !terminal.waitForCardPresent(5000)) {
                System.err.println("jmrtd-peer: no card in reader '" + readerName + "'");
                System.exit(3);
            }
        } catch (CardException e) {
            System.err.println("jmrtd-peer: " + e);
            System.exit(3);
            return;
        }
        SmartcardioService cardService = new SmartcardioService(terminal);
        int maxTransceive = opt.containsKey("extended")
                ? PassportService.EXTENDED_MAX_TRANCEIVE_LENGTH
                : PassportService.NORMAL_MAX_TRANCEIVE_LENGTH;
        PassportService service = new PassportService(cardService, maxTransceive,
                PassportService.DEFAULT_MAX_BLOCKSIZE, false, false);
        Map<String, byte[]> files = new LinkedHashMap<>();
        long start = System.nanoTime(); // from connecting to the card, as idproof measures
        String access = "BAC";
        try {
            service.open();
            BACKey key = new BACKey(doc, birth, expiry);
            if (opt.containsKey("pace")) {
                // PACE with the first PACEInfo of EF.CardAccess, as JMRTD's own readers do.
                CardAccessFile cardAccess = new CardAccessFile(service.getInputStream(
                        PassportService.EF_CARD_ACCESS, PassportService.DEFAULT_MAX_BLOCKSIZE));
                PACEInfo pace = null;
                for (SecurityInfo info : cardAccess.getSecurityInfos()) {
                    if (info instanceof PACEInfo) {
                        pace = (PACEInfo) info;
                        break;
                    }
                }
                if (pace == null) {
                    System.err.println("jmrtd-peer: EF.CardAccess lists no PACEInfo");
                    System.exit(1);
                }
                try {
                    service.doPACE(key, pace.getObjectIdentifier(),
                            PACEInfo.toParameterSpec(pace.getParameterId()), pace.getParameterId());
                } catch (CardServiceException e) {
                    System.err.println("jmrtd-peer: PACE failed: " + e);
                    System.out.println("{\"peer\":\"jmrtd\",\"error\":\"ACCESS_DENIED\",\"apdus\":" + cardService.apdus + "}");
                    System.exit(1);
                }
                service.sendSelectApplet(true);
                access = "PACE " + pace.getProtocolOIDString();
            } else {
                service.sendSelectApplet(false);
                try {
                    service.doBAC(key);
                } catch (CardServiceException e) {
                    System.err.println("jmrtd-peer: BAC failed: " + e);
                    System.out.println("{\"peer\":\"jmrtd\",\"error\":\"ACCESS_DENIED\",\"apdus\":" + cardService.apdus + "}");
                    System.exit(1);
                }
            }
            byte[] com = readFile(service, PassportService.EF_COM);
            files.put("COM", com);
            files.put("SOD", readFile(service, PassportService.EF_SOD));
            COMFile comFile = new COMFile(new java.io.ByteArrayInputStream(com));
            List<Integer> groups = new ArrayList<>();
            for (int tag : comFile.getTagList()) {
                int n = LDSFileUtil.lookupDataGroupNumberByTag(tag);
                if (n != 3 && n != 4) {
                    groups.add(n);
                }
            }
            java.util.Collections.sort(groups);
            for (int n : groups) {
                files.put("DG" + n, readFile(service, (short) (0x0100 + n)));
            }
        } catch (CardServiceException e) {
            System.err.println("jmrtd-peer: " + e);
            System.exit(3);
        } finally {
            service.close();
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        StringBuilder json = new StringBuilder("{\"peer\":\"jmrtd\",\"access\":\"" + access + "\",\"apdus\":" + cardService.apdus
                + ",\"elapsed_ms\":" + elapsedMs + ",\"files\":{");
        boolean first = true;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            json.append(first ? "" : ",").append('"').append(f.getKey()).append("\":").append(f.getValue().length);
            first = false;
            if (out != null) {
                Files.createDirectories(out);
                Files.write(out.resolve(f.getKey() + ".bin"), f.getValue());
            }
        }
        System.out.println(json.append("}}"));
    }

    private static byte[] readFile(PassportService service, short fid) throws CardServiceException {
        try (InputStream in = service.getInputStream(fid, PassportService.DEFAULT_MAX_BLOCKSIZE)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CardServiceException("reading file " + Integer.toHexString(fid) + ": " + e);
        }
    }
}
