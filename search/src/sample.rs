//! A seeded generator of realistic comments, Arabic and English, for the
//! archive benchmarks (P5, P6): the same seed gives the same text everywhere,
//! so Tantivy and PostgreSQL are measured over the very same rows.
//!
//! A comment is a few sentences about one of the topics people write to
//! entities about, in the words and the word forms (prefixes, suffixes,
//! diacritics now and then) they use, with names, numbers and references
//! mixed in. About one comment in five is English, one in ten mixes both.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A topic: Arabic key words (with the forms they take), phrases around them,
/// and the English side.
struct Topic {
    words: &'static [&'static str],
    phrases: &'static [&'static str],
    english: &'static [&'static str],
}

const TOPICS: &[Topic] = &[
    Topic {
        words: &["رخصة", "الرخصة", "رخص", "تجديد", "التجديد", "البناء", "بناء", "الترخيص"],
        phrases: &["طلب تجديد رخصة البناء", "انتهت صلاحية الرخصة", "المخططات المرفقة لرخصة البناء"],
        english: &["building permit renewal", "the permit expired", "permit drawings attached"],
    },
    Topic {
        words: &["المياه", "مياه", "انقطاع", "الانقطاع", "الخزان", "الضخ", "تسرب"],
        phrases: &["انقطاع المياه عن الحي", "تسرب المياه من الشبكة", "الخزان فارغ منذ يومين"],
        english: &["water outage in the district", "water leak from the main", "the tank is empty"],
    },
    Topic {
        words: &["فاتورة", "الفاتورة", "فواتير", "الكهرباء", "كهرباء", "العداد", "قراءة"],
        phrases: &["فاتورة الكهرباء مرتفعة", "قراءة العداد غير صحيحة", "اعتراض على الفاتورة"],
        english: &["electricity bill too high", "wrong meter reading", "billing dispute"],
    },
    Topic {
        words: &["جواز", "الجواز", "جوازات", "السفر", "إصدار", "الإصدار"],
        phrases: &["إصدار جواز السفر", "تأخر استلام الجواز", "تجديد جواز السفر للأبناء"],
        english: &["passport issuance", "passport collection delayed", "passport renewal"],
    },
    Topic {
        words: &["الإقامة", "إقامة", "اقامات", "المرافقين", "رسوم", "الرسوم"],
        phrases: &["تجديد الإقامة", "رسوم المرافقين", "انتهاء الإقامة قريباً"],
        english: &["residence permit renewal", "dependants fees", "iqama expiry"],
    },
    Topic {
        words: &["الضوضاء", "ضوضاء", "إزعاج", "الإزعاج", "الورشة", "ورشة"],
        phrases: &["شكوى من الضوضاء ليلاً", "إزعاج من الورشة المجاورة", "أصوات مرتفعة بعد منتصف الليل"],
        english: &["noise complaint at night", "workshop noise next door", "loud music after midnight"],
    },
    Topic {
        words: &["السجل", "التجاري", "سجل", "تجاري", "النشاط", "المنشأة"],
        phrases: &["إصدار السجل التجاري", "تعديل نشاط المنشأة", "السجل التجاري منتهي"],
        english: &["commercial registration", "business activity change", "registration expired"],
    },
    Topic {
        words: &["مخالفة", "المخالفة", "مخالفات", "مرورية", "المرورية", "السيارة", "المركبة"],
        phrases: &["اعتراض على مخالفة مرورية", "المخالفة مسجلة على مركبة أخرى", "إلغاء المخالفات"],
        english: &["traffic fine objection", "fine on the wrong vehicle", "cancel the violation"],
    },
    Topic {
        words: &["الإنارة", "إنارة", "الشارع", "الشوارع", "أعمدة", "المصابيح"],
        phrases: &["إنارة الشارع معطلة", "أعمدة الإنارة مطفأة", "استبدال المصابيح التالفة"],
        english: &["street lights out", "broken lamp posts", "replace the street lamps"],
    },
    Topic {
        words: &["الطريق", "طريق", "الطرق", "حفرة", "الحفر", "سفلتة", "صيانة"],
        phrases: &["حفرة كبيرة في الطريق", "صيانة الطرق بعد الأمطار", "سفلتة الطريق الفرعي"],
        english: &["pothole on the road", "road maintenance after rain", "resurfacing the side road"],
    },
    Topic {
        words: &["الصرف", "الصحي", "صرف", "المجاري", "طفح", "رائحة"],
        phrases: &["طفح الصرف الصحي", "رائحة كريهة من المجاري", "انسداد شبكة الصرف"],
        english: &["sewage overflow", "bad smell from the drains", "blocked sewer"],
    },
    Topic {
        words: &["النفايات", "نفايات", "القمامة", "الحاويات", "حاويات", "النظافة"],
        phrases: &["تراكم النفايات في الحي", "زيادة حاويات القمامة", "جدولة جمع النفايات"],
        english: &["garbage piling up", "more waste bins", "collection schedule"],
    },
    Topic {
        words: &["موعد", "الموعد", "المواعيد", "العيادة", "المستشفى", "الطبي"],
        phrases: &["حجز موعد في العيادة", "تأجيل الموعد الطبي", "موعد المستشفى بعد أسبوعين"],
        english: &["clinic appointment", "appointment postponed", "hospital booking"],
    },
    Topic {
        words: &["المنحة", "منحة", "المنح", "الدراسية", "الابتعاث", "الجامعة"],
        phrases: &["التقديم على المنحة الدراسية", "نتيجة طلب الابتعاث", "القبول في الجامعة"],
        english: &["scholarship application", "study abroad result", "university admission"],
    },
    Topic {
        words: &["الضمان", "الاجتماعي", "الإعانة", "إعانة", "المعاش", "صرف"],
        phrases: &["توقف صرف الضمان الاجتماعي", "تحديث بيانات الأسرة للإعانة", "صرف المعاش المتأخر"],
        english: &["social security payment stopped", "benefit update", "late pension payment"],
    },
    Topic {
        words: &["تأشيرة", "التأشيرة", "تأشيرات", "زيارة", "العمالة"],
        phrases: &["طلب تأشيرة زيارة عائلية", "رفض التأشيرة", "تأشيرات العمالة المنزلية"],
        english: &["family visit visa", "visa refused", "work visas"],
    },
    Topic {
        words: &["عقد", "العقد", "الإيجار", "إيجار", "المؤجر", "توثيق"],
        phrases: &["توثيق عقد الإيجار", "المؤجر يرفض التوثيق", "إنهاء عقد الإيجار"],
        english: &["lease registration", "landlord refuses to register", "ending the lease"],
    },
    Topic {
        words: &["التعويض", "تعويض", "الأضرار", "أضرار", "السيول"],
        phrases: &["طلب تعويض عن الأضرار", "أضرار السيول على المنزل", "صرف مبلغ التعويض"],
        english: &["compensation claim", "flood damage", "compensation paid"],
    },
    Topic {
        words: &["شهادة", "الشهادة", "الميلاد", "ميلاد", "بدل", "فاقد"],
        phrases: &["استخراج شهادة ميلاد بدل فاقد", "تصحيح الاسم في شهادة الميلاد", "إصدار الشهادة"],
        english: &["birth certificate replacement", "name correction", "certificate issued"],
    },
    Topic {
        words: &["الصك", "صك", "الملكية", "ملكية", "الأرض", "العقار"],
        phrases: &["نقل ملكية الأرض", "تحديث الصك في السجل العقاري", "إفراغ الصك"],
        english: &["land title transfer", "deed update", "property registry"],
    },
    Topic {
        words: &["الدعم", "السكني", "دعم", "القرض", "العقاري", "الاستحقاق"],
        phrases: &["تأخر الدعم السكني", "القرض العقاري المدعوم", "التحقق من الاستحقاق"],
        english: &["housing support delayed", "subsidised mortgage", "eligibility check"],
    },
    Topic {
        words: &["الكلاب", "الضالة", "الحيوانات", "حيوانات", "المدرسة"],
        phrases: &["انتشار الكلاب الضالة", "الحيوانات الضالة قرب المدرسة", "مكافحة الحيوانات الضالة"],
        english: &["stray dogs", "stray animals near the school", "animal control"],
    },
];

const OPENINGS: &[&str] = &[
    "السلام عليكم،",
    "مرحباً،",
    "بعد التحية،",
    "نفيدكم بأنه",
    "تمت مراجعة الطلب، و",
    "إشارة إلى طلبكم،",
    "عزيزي المستفيد،",
    "",
];
const FOLLOW_UPS: &[&str] = &[
    "نرجو سرعة المعالجة.",
    "تم التحويل إلى القسم المختص.",
    "يرجى إرفاق المستندات المطلوبة.",
    "سيتم التواصل معكم خلال يومي عمل.",
    "المعاملة قيد الدراسة حالياً.",
    "تمت زيارة الموقع من قبل الفريق الميداني.",
    "أرفقت صورة الهوية الوطنية.",
    "لم يصلني أي رد حتى الآن.",
    "شكراً لتعاونكم.",
    "الملف مكتمل ولا ينقصه شيء.",
    "نحتاج موافقة الإدارة المالية.",
    "تم رفع الطلب للاعتماد.",
];
const ENGLISH_FOLLOW_UPS: &[&str] = &[
    "Please expedite.",
    "Forwarded to the responsible department.",
    "Kindly attach the required documents.",
    "We will contact you within two working days.",
    "The site was inspected by the field team.",
    "No reply received so far.",
    "Thank you for your cooperation.",
    "Awaiting approval from finance.",
];
const NAMES: &[&str] = &[
    "محمد",
    "أحمد",
    "عبدالله",
    "فهد",
    "سارة",
    "نورة",
    "ريم",
    "خالد",
    "سلمان",
    "منى",
    "عبدالرحمن",
    "هيفاء",
    "تركي",
    "أمل",
    "يوسف",
    "ماجد",
    "لطيفة",
    "بندر",
];
const FAMILIES: &[&str] =
    &["العتيبي", "القحطاني", "الشمري", "الدوسري", "الحربي", "الغامدي", "الزهراني", "المطيري", "السبيعي", "العنزي"];
const DIACRITICS: [char; 4] = ['\u{064E}', '\u{064F}', '\u{0650}', '\u{0651}'];

/// How a sample archive is spread over organisations and people.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub entities: usize,
    /// Per entity.
    pub departments: usize,
    /// Per department.
    pub employees: usize,
    pub beneficiaries: usize,
    pub comments_per_transaction: usize,
}

impl Shape {
    /// The benchmarks' archive: 8 entities of 3 departments of 4 employees,
    /// 2,000 beneficiaries, 10 comments per transaction.
    pub const BENCH: Shape =
        Shape { entities: 8, departments: 3, employees: 4, beneficiaries: 2_000, comments_per_transaction: 10 };
}

/// A transaction of the sample, by index into its `Shape`.
#[derive(Debug, Clone)]
pub struct SampleTransaction {
    pub entity: usize,
    /// Within the entity.
    pub department: usize,
    /// Within the department.
    pub assignee: usize,
    pub beneficiary: usize,
    pub subject: String,
    /// (internal, text), oldest first; about one in four is internal.
    pub comments: Vec<(bool, String)>,
}

/// Comments and queries, from a seed.
pub struct Sample {
    rng: StdRng,
}

impl Sample {
    pub fn new(seed: u64) -> Sample {
        Sample { rng: StdRng::seed_from_u64(seed) }
    }

    /// A topic index, the first topics more often (a long tail, as in life).
    fn topic(&mut self) -> &'static Topic {
        let n = TOPICS.len();
        let skewed = (self.rng.gen_range(0.0f64..1.0).powf(1.6) * n as f64) as usize;
        &TOPICS[skewed.min(n - 1)]
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.gen_range(0..items.len())]
    }

    /// Sometimes a haraka or a tatweel in a word, as some people type them.
    fn decorate(&mut self, word: &str) -> String {
        if !self.rng.gen_bool(0.05) {
            return word.to_owned();
        }
        let mut out = String::new();
        for (i, c) in word.chars().enumerate() {
            out.push(c);
            if i == 1 {
                out.push(if self.rng.gen_bool(0.5) { '\u{0640}' } else { self.pick(&DIACRITICS) });
            }
        }
        out
    }

    fn arabic_sentence(&mut self, t: &'static Topic) -> String {
        let opening = self.pick(OPENINGS);
        let phrase = self.pick(t.phrases);
        let word = self.pick(t.words);
        let word = self.decorate(word);
        let follow = self.pick(FOLLOW_UPS);
        let name = format!("{} {}", self.pick(NAMES), self.pick(FAMILIES));
        match self.rng.gen_range(0..4) {
            0 => format!("{opening} {phrase}، بخصوص {word} رقم {}. {follow}", self.rng.gen_range(1000..99999)),
            1 => format!("{opening} {phrase}. تواصلت مع {name} بشأن {word}. {follow}"),
            2 => format!("{phrase} منذ {} أيام و{word} لم يُحل بعد. {follow}", self.rng.gen_range(2..30)),
            _ => format!("{opening} {phrase}. {follow} المرجع 1448-{:06}", self.rng.gen_range(1..300_000)),
        }
    }

    fn english_sentence(&mut self, t: &'static Topic) -> String {
        let phrase = self.pick(t.english);
        let follow = self.pick(ENGLISH_FOLLOW_UPS);
        match self.rng.gen_range(0..3) {
            0 => format!("Regarding the {phrase}, case {}. {follow}", self.rng.gen_range(1000..99999)),
            1 => format!("Update on {phrase}: {follow}"),
            _ => format!("Hello, {phrase} since {} days. {follow}", self.rng.gen_range(2..30)),
        }
    }

    /// One comment.
    pub fn comment(&mut self) -> String {
        let t = self.topic();
        let roll = self.rng.gen_range(0..10);
        let mut text = match roll {
            0 | 1 => self.english_sentence(t),
            2 => format!("{} {}", self.arabic_sentence(t), self.english_sentence(t)),
            _ => self.arabic_sentence(t),
        };
        if self.rng.gen_bool(0.3) {
            text.push(' ');
            text.push_str(self.pick(FOLLOW_UPS));
        }
        text
    }

    /// A transaction's subject.
    pub fn subject(&mut self) -> String {
        let t = self.topic();
        self.pick(t.phrases).to_owned()
    }

    /// A two-word query on one topic, as people type them.
    pub fn query(&mut self) -> String {
        let t = self.topic();
        if self.rng.gen_bool(0.15) {
            let phrase = self.pick(t.english);
            let words: Vec<&str> = phrase.split(' ').filter(|w| w.len() > 3).collect();
            if words.len() >= 2 {
                return format!("{} {}", words[0], words[words.len() - 1]);
            }
        }
        let phrase = self.pick(t.phrases);
        let words: Vec<&str> = phrase.split(' ').filter(|w| w.chars().count() > 2).collect();
        match words.as_slice() {
            [a, .., b] => format!("{a} {b}"),
            _ => format!("{} {}", self.pick(t.words), self.pick(t.words)),
        }
    }

    /// A transaction with its comments.
    pub fn transaction(&mut self, shape: &Shape) -> SampleTransaction {
        SampleTransaction {
            entity: self.below(shape.entities),
            department: self.below(shape.departments),
            assignee: self.below(shape.employees),
            beneficiary: self.below(shape.beneficiaries),
            subject: self.subject(),
            comments: (0..shape.comments_per_transaction).map(|_| (self.chance(0.25), self.comment())).collect(),
        }
    }

    /// A number in `0..n`, for spreading rows over entities, people and so on.
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.gen_range(0..n.max(1))
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{CHOSEN, analyze_text};

    #[test]
    fn the_same_seed_gives_the_same_text() {
        let a: Vec<String> = (0..50)
            .map({
                let mut s = Sample::new(7);
                move |_| s.comment()
            })
            .collect();
        let b: Vec<String> = (0..50)
            .map({
                let mut s = Sample::new(7);
                move |_| s.comment()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(
            a,
            (0..50)
                .map({
                    let mut s = Sample::new(8);
                    move |_| s.comment()
                })
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn queries_have_two_words_and_find_comments() {
        let mut s = Sample::new(1);
        let comments: Vec<Vec<_>> = (0..5000).map(|_| analyze_text(&s.comment(), CHOSEN)).collect();
        let mut found = 0;
        for _ in 0..100 {
            let q = analyze_text(&s.query(), CHOSEN);
            assert_eq!(q.len(), 2, "{q:?}");
            if comments.iter().any(|c| q.iter().all(|w| c.contains(w))) {
                found += 1;
            }
        }
        assert!(found >= 80, "only {found} of 100 queries match anything");
    }
}
