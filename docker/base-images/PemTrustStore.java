// Writes every certificate of a PEM bundle into a PKCS12 trust store in one
// JVM run (keytool imports one certificate per run, and a machine's bundle
// holds about 150). `polytrace images prepare` runs it with the machine's
// JDK to give the Java base images the trust of the machine's CA bundle:
//   java PemTrustStore.java /etc/ssl/certs/ca-certificates.crt cacerts
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

public class PemTrustStore {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java PemTrustStore.java <PEM bundle> <trust store to write>");
            System.exit(2);
        }
        // Certificates in the clear, as in the JDK's own cacerts: a trust store is read with no
        // password (javax.net.ssl.trustStorePassword is unset), which cannot open encrypted ones.
        System.setProperty("keystore.pkcs12.certProtectionAlgorithm", "NONE");
        System.setProperty("keystore.pkcs12.macAlgorithm", "NONE");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int count = 0;
        try (InputStream in = new FileInputStream(args[0])) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + count++, certificate);
            }
        }
        // "changeit" is the JDK's own password for cacerts; tools expect it.
        try (OutputStream out = new FileOutputStream(args[1])) {
            store.store(out, "changeit".toCharArray());
        }
        System.out.println(count + " certificates written to " + args[1]);
    }
}
