// Writes tests/data/formats/freeotp2-externalBackup.xml the way FreeOTP 2 (freeotp/freeotp-android,
// mobile/) writes its "Backup" file, with an implementation independent of Mamori: the JDK's own
// java.io.ObjectOutputStream and javax.crypto. Steps, after FreeOTP's source:
//   encryptor/MasterKey.java    PBKDF2withHmacSHA512 (FreeOTP's first choice), 32-byte salt,
//                               100 000 iterations, 256-bit key; a random 32-byte AES master key
//                               wrapped by encryptor/EncryptedKey.java
//   encryptor/EncryptedKey.java AES/GCM/NoPadding, IV chosen by Cipher.init, AAD = the wrapped
//                               key's algorithm name ("AES", "HmacSHA1"), mParameters =
//                               cipher.getParameters().getEncoded()
//   TokenPersistence.java       "<uuid>" = {"key": Gson(EncryptedKey)} through org.json,
//                               "<uuid>-token" = Gson(Token), "masterKey" = Gson(MasterKey);
//                               copyBackupToExternal writes mBackups.getAll() (a HashMap) with
//                               ObjectOutputStream.writeObject
// Gson and Android's org.json are not on a desktop JDK, so their output is reproduced by hand:
// no null fields, fields in Android's (dex, alphabetical) field order, Gson's HTML-safe string
// escapes, org.json's escaped '/'. The three accounts are those of make-encrypted-exports.py.
// The source is ASCII (\\u escapes) so that `java MakeBackup.java` compiles it under any locale.
//
//     java tests/data/make-freeotp2-backup/MakeBackup.java tests/data/formats/freeotp2-externalBackup.xml
//
// The output differs on every run (random salt, keys, IVs and UUIDs).

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

public class MakeBackup {
    // PASSWORD of make-encrypted-exports.py: katakana "pasuwaado", a space, "correct horse".
    static final String PASSWORD = "\u30d1\u30b9\u30ef\u30fc\u30c9 correct horse";
    static final int ITERATIONS = 100000; // MasterKey.ITERATIONS
    static final int BYTES = 32;          // MasterKey.BYTES
    static final SecureRandom RANDOM = new SecureRandom();

    // Gson's JsonWriter with its default htmlSafe escaping.
    static String gson(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\t': b.append("\\t"); break;
                case '\b': b.append("\\b"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\f': b.append("\\f"); break;
                case '<': case '>': case '&': case '=': case '\'': case '\u2028': case '\u2029':
                    b.append(String.format("\\u%04x", (int) c));
                    break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // Android's org.json JSONStringer: '/' is escaped too, HTML characters are not.
    static String orgJson(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': case '\\': case '/': b.append('\\').append(c); break;
                case '\t': b.append("\\t"); break;
                case '\b': b.append("\\b"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\f': b.append("\\f"); break;
                default:
                    if (c <= 0x1f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // Gson writes byte[] as an array of signed numbers.
    static String gsonBytes(byte[] bytes) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) b.append(',');
            b.append(bytes[i]);
        }
        return b.append(']').toString();
    }

    // EncryptedKey.encrypt(key, plaintext) followed by new Gson().toJson(encryptedKey); fields
    // mCipher, mCipherText, mParameters, mToken (dex order).
    static String encryptedKey(SecretKey key, SecretKey plaintext) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key);
        String mCipher = cipher.getAlgorithm();
        String mToken = plaintext.getAlgorithm();
        cipher.updateAAD(mToken.getBytes(StandardCharsets.UTF_8));
        byte[] mCipherText = cipher.doFinal(plaintext.getEncoded());
        byte[] mParameters = cipher.getParameters().getEncoded();
        return "{\"mCipher\":" + gson(mCipher) + ",\"mCipherText\":" + gsonBytes(mCipherText)
                + ",\"mParameters\":" + gsonBytes(mParameters) + ",\"mToken\":" + gson(mToken) + "}";
    }

    // Gson(Token) as Token(Uri) fills it; null fields are left out. Field order is the order
    // of the Java field names (mAlgorithm, mColor, mCounter, mDigits, mImage, mIssuer,
    // mIssuerAlt, mIssuerParam, mLabel, mLabelAlt, mLock, mPeriod, mType).
    static String token(Object... pairs) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            if (value == null) continue;
            if (b.length() > 1) b.append(',');
            b.append(gson((String) pairs[i])).append(':');
            b.append(value instanceof String ? gson((String) value) : value.toString());
        }
        return b.append('}').toString();
    }

    static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0, bits = 0;
        for (char c : text.toUpperCase().toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    public static void main(String[] args) throws Exception {
        String out = args.length > 0 ? args[0] : "freeotp2-externalBackup.xml";

        // MasterKey.generate(password)
        byte[] salt = new byte[BYTES];
        RANDOM.nextBytes(salt);
        SecretKeyFactory skf = SecretKeyFactory.getInstance("PBKDF2withHmacSHA512");
        PBEKeySpec spec = new PBEKeySpec(PASSWORD.toCharArray(), salt, ITERATIONS, BYTES * 8);
        SecretKey pwd = skf.generateSecret(spec);
        byte[] raw = new byte[pwd.getEncoded().length];
        RANDOM.nextBytes(raw);
        SecretKey master = new SecretKeySpec(raw, "AES");
        // The JDK's AES refuses a key whose algorithm is "PBKDF2withHmacSHA512"; Android's
        // providers take it as it is. Same bytes either way.
        SecretKey pwdAsAes = new SecretKeySpec(pwd.getEncoded(), "AES");
        String masterKey = "{\"mAlgorithm\":" + gson(skf.getAlgorithm()) + ",\"mEncryptedKey\":"
                + encryptedKey(pwdAsAes, master) + ",\"mIterations\":" + spec.getIterationCount()
                + ",\"mSalt\":" + gsonBytes(spec.getSalt()) + "}";

        // Tokens as Token(Uri) reads these URIs (FreeOTP asks "add anyway?" for the 10-byte keys):
        //   otpauth://totp/ISSUER_JP:LABEL_JP?secret=ABCDEFGHIJKL2345&issuer=ISSUER_JP
        //       &algorithm=SHA1&digits=6&period=30&color=4a90d9
        //   otpauth://hotp/Example Co:ops-hotp?secret=JBSWY3DPEHPK3PXP&issuer=Example Co
        //       &algorithm=SHA1&digits=6&counter=5&lock=false
        //   otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam   (what Steam tools
        //       export: no digits, so FreeOTP's Steam alphabet gives 5 characters)
        String issuerJp = "\u682a\u5f0f\u4f1a\u793e\u30b5\u30f3\u30d7\u30eb"; // kabushiki-gaisha sanpuru
        String labelJp = "\u5c71\u7530 \u592a\u90ce";                          // Yamada Taro
        String[][] tokens = {
            {"ABCDEFGHIJKL2345", token("algo", "SHA1", "color", "4a90d9", "counter", null,
                "digits", 6, "image", null, "issuerExt", issuerJp, "issuerAlt", null,
                "issuerInt", issuerJp, "label", labelJp, "labelAlt", null, "lock", null,
                "period", 30, "type", "TOTP")},
            // HOTP: Token.getCode() computes with mCounter++ and the backup is written when the
            // token is added, so the stored counter is the next one to use: 5.
            {"JBSWY3DPEHPK3PXP", token("algo", "SHA1", "color", null, "counter", 5L,
                "digits", 6, "image", null, "issuerExt", "Example Co", "issuerAlt", null,
                "issuerInt", "Example Co", "label", "ops-hotp", "labelAlt", null, "lock", false,
                "period", null, "type", "HOTP")},
            {"JBSWY3DPEHPK3PXP", token("algo", null, "color", null, "counter", null,
                "digits", null, "image", null, "issuerExt", "Steam", "issuerAlt", null,
                "issuerInt", "Steam", "label", "gaben", "labelAlt", null, "lock", null,
                "period", null, "type", "TOTP")},
        };

        // The tokenBackup shared preferences: TokenPersistence.provision() and save().
        Map<String, Object> prefs = new LinkedHashMap<>();
        prefs.put("masterKey", masterKey);
        for (String[] t : tokens) {
            String uuid = UUID.randomUUID().toString();
            // Token.parse: new SecretKeySpec(bytes, "Hmac" + getAlgorithm()), algorithm SHA1 when null
            SecretKey secret = new SecretKeySpec(base32(t[0]), "HmacSHA1");
            prefs.put(uuid, "{\"key\":" + orgJson(encryptedKey(master, secret)) + "}");
            prefs.put(uuid + "-token", t[1]);
        }

        // copyBackupToExternal: output.writeObject(mBackups.getAll()), where getAll() returns
        // new HashMap<String, Object>(mMap).
        HashMap<String, Object> all = new HashMap<>(prefs);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutputStream output = new ObjectOutputStream(bytes);
        output.writeObject(all);
        output.close();
        try (FileOutputStream file = new FileOutputStream(out)) {
            file.write(bytes.toByteArray());
        }

        // Self-check the way TokenPersistence.restore() and EncryptedKey.decrypt() read it
        // (Java's own deserialiser and AlgorithmParameters; the Python check is separate).
        @SuppressWarnings("unchecked")
        Map<String, ?> back = (Map<String, ?>) new ObjectInputStream(
                new ByteArrayInputStream(bytes.toByteArray())).readObject();
        if (!back.equals(all)) throw new AssertionError("map differs after a round trip");
        System.out.println("wrote " + out + " (" + bytes.size() + " bytes, " + all.size()
                + " entries, mParameters " + masterKey.replaceAll(".*\"mParameters\":(\\[[^]]*\\]).*", "$1") + ")");
        // One decryption with AlgorithmParameters.init(mParameters), as FreeOTP does.
        Cipher probe = Cipher.getInstance("AES/GCM/NoPadding");
        probe.init(Cipher.ENCRYPT_MODE, pwdAsAes);
        AlgorithmParameters ap = AlgorithmParameters.getInstance(probe.getParameters().getAlgorithm());
        String params = masterKey.replaceAll(".*\"mParameters\":\\[([^]]*)\\].*", "$1");
        String[] parts = params.split(",");
        byte[] enc = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) enc[i] = Byte.parseByte(parts[i]);
        ap.init(enc);
        String ct = masterKey.replaceAll(".*\"mCipherText\":\\[([^]]*)\\].*", "$1");
        parts = ct.split(",");
        byte[] ctBytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) ctBytes[i] = Byte.parseByte(parts[i]);
        Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding");
        decrypt.init(Cipher.DECRYPT_MODE, pwdAsAes, ap);
        decrypt.updateAAD("AES".getBytes(StandardCharsets.UTF_8));
        if (!java.util.Arrays.equals(decrypt.doFinal(ctBytes), raw)) throw new AssertionError("master key");
        System.out.println("master key unwraps with the password (AlgorithmParameters " + ap.getAlgorithm() + ")");
    }
}
